from django.urls import include, path

urlpatterns = [
    path("", include("datong.ip.urls_records")),
    path("", include("datong.ip.urls_docket")),
    path("", include("datong.ip.urls_portfolio")),
]
