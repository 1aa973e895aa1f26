from django.urls import path

from . import views_records as views

urlpatterns = [
    path("ip/", views.family_list, name="ip-family-list"),
    path("ip/new/", views.family_create, name="ip-family-create"),
    path("ip/<int:pk>/", views.family_detail, name="ip-family-detail"),
    path("ip/<int:pk>/edit/", views.family_edit, name="ip-family-edit"),
    path("ip/<int:pk>/filings/new/", views.filing_create, name="ip-filing-create"),
    path("ip/<int:pk>/ownership/", views.ownership_change, name="ip-ownership-change"),
    path("ip/filings/<int:pk>/edit/", views.filing_edit, name="ip-filing-edit"),
    path("ip/filings/<int:pk>/events/new/", views.filing_event, name="ip-filing-event"),
    path("ip/filings/<int:pk>/costs/new/", views.cost_add, name="ip-cost-add"),
]
