from django.urls import path

from . import views_docket as views

urlpatterns = [
    path("ip/deadlines/", views.deadlines, name="ip-deadlines"),
    path("ip/deadlines/tasks/<int:pk>/done/", views.task_done, name="ip-deadlines-task-done"),
    path("ip/deadlines/tasks/<int:pk>/assign/", views.task_assign, name="ip-deadlines-task-assign"),
    path(
        "ip/deadlines/renewals/<int:pk>/<slug:action>/",
        views.renewal_action,
        name="ip-deadlines-renewal",
    ),
]
