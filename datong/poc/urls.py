from django.urls import path

from . import views, views_overview

urlpatterns = [
    path("poc/", views.programme_list, name="poc-list"),
    path("poc/new/", views.programme_create, name="poc-programme-create"),
    path("poc/mine/", views.my_applications, name="poc-mine"),
    path("poc/programmes/<slug:code>/", views.programme_detail, name="poc-programme"),
    path("poc/programmes/<slug:code>/edit/", views.programme_edit, name="poc-programme-edit"),
    path("poc/programmes/<slug:code>/lines/new/", views.line_create, name="poc-line-create"),
    path("poc/programmes/<slug:code>/lines/<int:pk>/", views.line_edit, name="poc-line-edit"),
    path(
        "poc/programmes/<slug:code>/lines/<int:pk>/delete/",
        views.line_delete,
        name="poc-line-delete",
    ),
    path("poc/programmes/<slug:code>/rubric/", views.rubric_edit, name="poc-rubric"),
    path("poc/programmes/<slug:code>/calls/new/", views.call_create, name="poc-call-create"),
    path("poc/calls/<int:pk>/", views.call_detail, name="poc-call"),
    path("poc/calls/<int:pk>/edit/", views.call_edit, name="poc-call-edit"),
    path("poc/calls/<int:pk>/open/", views.call_open, name="poc-call-open"),
    path("poc/calls/<int:pk>/close/", views.call_close, name="poc-call-close"),
    path("poc/calls/<int:pk>/review-all/", views.call_review_all, name="poc-call-review-all"),
    path("poc/calls/<int:pk>/apply/", views.apply, name="poc-apply"),
    path("poc/applications/<int:pk>/", views.application_detail, name="poc-application"),
    path("poc/applications/<int:pk>/edit/", views.application_edit, name="poc-application-edit"),
    path("poc/applications/<int:pk>/objections/", views.objection_add, name="poc-objection-add"),
    path("poc/applications/<int:pk>/agreement/", views.agreement, name="poc-agreement"),
    path(
        "poc/applications/<int:pk>/<slug:action>/",
        views.application_action,
        name="poc-application-action",
    ),
    path("poc/objections/<int:pk>/resolve/", views.objection_resolve, name="poc-objection-resolve"),
    path(
        "poc/programmes/<slug:code>/overview/",
        views_overview.programme_overview,
        name="poc-programme-overview",
    ),
]
