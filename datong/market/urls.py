from django.urls import path

from . import views

urlpatterns = [
    path("market/", views.market_list, name="market-list"),
    path("market/manage/", views.market_manage, name="market-manage"),
    path("market/new/", views.market_create, name="market-create"),
    path("market/demands/", views.demand_list, name="demand-list"),
    path("market/demands/new/", views.demand_create, name="demand-create"),
    path("market/demands/<int:pk>/", views.demand_detail, name="demand-detail"),
    path("market/demands/<int:pk>/edit/", views.demand_edit, name="demand-edit"),
    path("market/demands/<int:pk>/close/", views.demand_close, name="demand-close"),
    path("market/<int:pk>/", views.market_detail, name="market-detail"),
    path("market/<int:pk>/edit/", views.market_edit, name="market-edit"),
    path("market/<int:pk>/contact/", views.market_contact, name="market-contact"),
    path("market/<int:pk>/publish/", views.market_publish, name="market-publish"),
    path("market/<int:pk>/withdraw/", views.market_withdraw, name="market-withdraw"),
]
