from django.contrib import admin
from django.urls import include, path

from datong.api import api
from datong.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("activity/", core_views.activity, name="activity"),
    path("", include("datong.accounts.urls")),
    path("", include("datong.institutions.urls")),
    path("", include("datong.notifications.urls")),
    path("", include("datong.results.urls")),
    path("", include("datong.ip.urls")),
    path("", include("datong.providers.urls")),
    path("", include("datong.market.urls")),
    path("", include("datong.matching.urls")),
    path("", include("datong.cases.urls")),
    path("", include("datong.poc.urls")),
    path("", include("datong.poc.review.urls")),
    path("", include("datong.poc.projects.urls")),
    path("", include("datong.deals.urls")),
    path("", include("datong.deals.income.urls")),
    path("", include("datong.ventures.urls")),
    path("", include("datong.reports.urls")),
    path("", include("datong.reports.dashboards.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "datong.core.views.error_403"
handler404 = "datong.core.views.error_404"
handler500 = "datong.core.views.error_500"
