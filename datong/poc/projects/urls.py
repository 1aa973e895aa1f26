from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/start/<int:application_pk>/", views.project_start, name="project-start"),
    path("projects/resources/", views.resource_list, name="resource-list"),
    path("projects/resources/new/", views.resource_create, name="resource-create"),
    path("projects/resources/<int:pk>/", views.resource_detail, name="resource-detail"),
    path("projects/resources/<int:pk>/edit/", views.resource_edit, name="resource-edit"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/mentor/", views.project_mentor, name="project-mentor"),
    path("projects/<int:pk>/coaching/", views.project_coaching, name="project-coaching"),
    path("projects/<int:pk>/bookings/", views.project_book, name="project-book"),
    path(
        "projects/<int:pk>/bookings/<int:booking_pk>/cancel/",
        views.project_booking_cancel,
        name="project-booking-cancel",
    ),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/report/",
        views.milestone_report,
        name="project-milestone-report",
    ),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/decide/",
        views.milestone_decide,
        name="project-milestone-decide",
    ),
    path(
        "projects/<int:pk>/evidence/<int:report_pk>/",
        views.milestone_evidence,
        name="project-evidence",
    ),
    path("projects/<int:pk>/gates/", views.project_gate, name="project-gate"),
    path("projects/<int:pk>/expenses/", views.project_expense, name="project-expense"),
    path(
        "projects/<int:pk>/expenses/<int:expense_pk>/reject/",
        views.expense_reject,
        name="project-expense-reject",
    ),
    path("projects/<int:pk>/reports/", views.project_report, name="project-report"),
    path(
        "projects/<int:pk>/reports/<int:report_pk>/decide/",
        views.report_decide,
        name="project-report-decide",
    ),
    path("projects/<int:pk>/extensions/", views.project_extension, name="project-extension"),
    path(
        "projects/<int:pk>/extensions/<int:extension_pk>/decide/",
        views.extension_decide,
        name="project-extension-decide",
    ),
    path("projects/<int:pk>/suspend/", views.project_suspend, name="project-suspend"),
    path("projects/<int:pk>/resume/", views.project_resume, name="project-resume"),
    path("projects/<int:pk>/terminate/", views.project_terminate, name="project-terminate"),
    path("projects/<int:pk>/complete/", views.project_complete, name="project-complete"),
    path("projects/<int:pk>/outcome/", views.project_outcome, name="project-outcome"),
]
