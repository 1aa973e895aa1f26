from django.urls import path

from . import views

urlpatterns = [
    path("reports/annual/", views.annual_home, name="report-annual-home"),
    path("reports/annual/<slug:slug>/<int:year>/", views.annual_report, name="report-annual"),
    path(
        "reports/annual/<slug:slug>/<int:year>/records/<slug:code>/",
        views.indicator_records,
        name="report-records",
    ),
    path(
        "reports/annual/<slug:slug>/<int:year>/narrative/<slug:section>/",
        views.narrative_edit,
        name="report-narrative",
    ),
    path(
        "reports/annual/<slug:slug>/<int:year>/export/<str:fmt>/",
        views.annual_export,
        name="report-export",
    ),
]
