from django.urls import path

from . import views

urlpatterns = [
    path("institutions/", views.institution_list, name="institution-list"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution-detail"),
    path("institutions/<slug:slug>/edit/", views.institution_edit, name="institution-edit"),
    path(
        "institutions/<slug:slug>/history/", views.institution_history, name="institution-history"
    ),
    path("alliances/", views.alliance_list, name="alliance-list"),
    path("alliances/<slug:slug>/", views.alliance_detail, name="alliance-detail"),
]
