from django.urls import path

from . import views

urlpatterns = [
    path("providers/", views.provider_list, name="provider-list"),
    path(
        "providers/recommend/<int:disclosure_pk>/",
        views.provider_recommend,
        name="provider-recommend",
    ),
    path("providers/<slug:slug>/", views.provider_detail, name="provider-detail"),
    path("providers/<slug:slug>/edit/", views.provider_edit, name="provider-edit"),
    path("providers/<slug:slug>/review/", views.provider_review, name="provider-review"),
    path("providers/<slug:slug>/curate/", views.provider_curate, name="provider-curate"),
]
