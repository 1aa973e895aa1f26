from django.urls import path

from . import views

urlpatterns = [
    path("income/", views.distribution_list, name="income-distribution-list"),
    path(
        "income/distributions/<int:pk>/",
        views.distribution_detail,
        name="income-distribution-detail",
    ),
    path(
        "income/distributions/<int:pk>/edit/",
        views.distribution_edit,
        name="income-distribution-edit",
    ),
    path(
        "income/distributions/<int:pk>/approve/",
        views.distribution_approve,
        name="income-distribution-approve",
    ),
    path(
        "income/distributions/<int:pk>/execute/",
        views.distribution_execute,
        name="income-distribution-execute",
    ),
    path(
        "income/distributions/<int:pk>/cancel/",
        views.distribution_cancel,
        name="income-distribution-cancel",
    ),
    path("income/results/<int:result_id>/ledger/", views.ledger_view, name="income-ledger"),
    path("income/results/<int:result_id>/entries/", views.entry_add, name="income-entry-add"),
    path(
        "income/results/<int:result_id>/distribute/",
        views.distribution_create,
        name="income-distribution-create",
    ),
    path("income/policies/", views.policy_list, name="income-policy-list"),
    path("income/policies/new/", views.policy_create, name="income-policy-create"),
    path("income/statements/", views.statement_list, name="income-statement-list"),
    path("income/statements/person/", views.statement_detail, name="income-statement"),
    path("income/calculator/", views.calculator, name="income-calculator"),
    path("income/my-rewards/", views.my_rewards, name="income-my-rewards"),
]
