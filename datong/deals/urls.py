from django.urls import path

from . import views

urlpatterns = [
    path("deals/contracts/", views.deal_list, name="deal-list"),
    path("deals/contracts/new/", views.deal_create, name="deal-create"),
    path("deals/contracts/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("deals/contracts/<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("deals/contracts/<int:pk>/announce/", views.deal_announce, name="deal-announce"),
    path("deals/contracts/<int:pk>/sign/", views.deal_sign, name="deal-sign"),
    path("deals/contracts/<int:pk>/register/", views.deal_register, name="deal-register"),
    path("deals/contracts/<int:pk>/complete/", views.deal_complete, name="deal-complete"),
    path("deals/contracts/<int:pk>/terminate/", views.deal_terminate, name="deal-terminate"),
    path("deals/contracts/<int:pk>/grants/", views.deal_grant_add, name="deal-grant-add"),
    path(
        "deals/contracts/<int:pk>/grants/<int:grant_id>/remove/",
        views.deal_grant_remove,
        name="deal-grant-remove",
    ),
    path("deals/contracts/<int:pk>/terms/", views.deal_term_add, name="deal-term-add"),
    path(
        "deals/contracts/<int:pk>/terms/<int:term_id>/remove/",
        views.deal_term_remove,
        name="deal-term-remove",
    ),
    path(
        "deals/contracts/<int:pk>/terms/<int:term_id>/reach/",
        views.deal_term_reach,
        name="deal-term-reach",
    ),
    path("deals/contracts/<int:pk>/royalties/", views.deal_royalty_add, name="deal-royalty-add"),
    path("deals/contracts/<int:pk>/payments/", views.deal_payment_add, name="deal-payment-add"),
    path("deals/receivables/", views.deal_receivables, name="deal-receivables"),
    path("deals/royalty-reports/", views.licensee_reports, name="deal-licensee"),
    path(
        "deals/results/<int:result_id>/licences/",
        views.result_licences,
        name="deal-result-licences",
    ),
]
