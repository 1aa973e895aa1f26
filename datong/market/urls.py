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
    path("market/experts/", views.expert_list, name="expert-list"),
    path("market/experts/me/", views.expert_me, name="expert-me"),
    path("market/experts/<int:pk>/", views.expert_detail, name="expert-detail"),
    path("market/experts/<int:pk>/edit/", views.expert_edit, name="expert-edit"),
    path("market/experts/<int:pk>/publish/", views.expert_publish, name="expert-publish"),
    path("market/experts/<int:pk>/unpublish/", views.expert_unpublish, name="expert-unpublish"),
    path("market/enterprises/", views.enterprise_list, name="enterprise-list"),
    path("market/enterprises/<slug:slug>/", views.enterprise_detail, name="enterprise-detail"),
    path("market/enterprise/profile/", views.enterprise_profile, name="enterprise-profile"),
    path("market/register/", views.register, name="market-register"),
    path("market/<int:pk>/", views.market_detail, name="market-detail"),
    path("market/<int:pk>/edit/", views.market_edit, name="market-edit"),
    path("market/<int:pk>/contact/", views.market_contact, name="market-contact"),
    path("market/<int:pk>/publish/", views.market_publish, name="market-publish"),
    path("market/<int:pk>/withdraw/", views.market_withdraw, name="market-withdraw"),
]
