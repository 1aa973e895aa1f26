from django.urls import path

from . import views

urlpatterns = [
    path("dashboards/", views.institution_dashboard, name="dashboard-institution"),
    path("dashboards/alliances/", views.alliance_list, name="dashboard-alliances"),
    path("dashboards/alliances/<slug:slug>/", views.alliance_view, name="dashboard-alliance"),
    path(
        "dashboards/alliances/<slug:slug>/agreements/",
        views.alliance_agreements,
        name="dashboard-alliance-agreements",
    ),
    path("dashboards/agreements/", views.agreement_list, name="agreement-list"),
    path("dashboards/agreements/new/", views.agreement_create, name="agreement-create"),
    path("dashboards/agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("dashboards/agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("dashboards/agreements/<int:pk>/delete/", views.agreement_delete, name="agreement-delete"),
    path("dashboards/agreements/<int:pk>/years/", views.agreement_year, name="agreement-year"),
    path(
        "dashboards/agreements/<int:pk>/years/<int:year>/delete/",
        views.agreement_year_delete,
        name="agreement-year-delete",
    ),
]
