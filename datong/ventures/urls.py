from django.urls import path

from . import views

urlpatterns = [
    path("companies/", views.company_list, name="company-list"),
    path("companies/new/", views.company_create, name="company-create"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/state/", views.company_state, name="company-state"),
    path("companies/<int:pk>/founders/", views.founder_add, name="company-founder-add"),
    path(
        "companies/<int:pk>/founders/<int:founder_id>/remove/",
        views.founder_remove,
        name="company-founder-remove",
    ),
    path("companies/<int:pk>/holdings/", views.holding_add, name="company-holding-add"),
    path("companies/<int:pk>/board/", views.seat_add, name="company-seat-add"),
    path("companies/<int:pk>/board/<int:seat_id>/end/", views.seat_end, name="company-seat-end"),
    path("companies/<int:pk>/rounds/", views.round_add, name="company-round-add"),
    path("companies/<int:pk>/equity/", views.investment_start, name="company-equity-start"),
    path("equity/<int:pk>/", views.equity_detail, name="equity-detail"),
    path("equity/<int:pk>/<slug:action>/", views.equity_action, name="equity-action"),
]
