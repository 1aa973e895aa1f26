from django.urls import include, path

from . import views

urlpatterns = [
    path("disclosures/", views.disclosure_list, name="disclosure-list"),
    path("disclosures/new/", views.disclosure_create, name="disclosure-create"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure-detail"),
    path("disclosures/<int:pk>/edit/<int:step>/", views.disclosure_edit, name="disclosure-edit"),
    path("disclosures/<int:pk>/submit/", views.disclosure_submit, name="disclosure-submit"),
    path("disclosures/<int:pk>/confirm/", views.disclosure_confirm, name="disclosure-confirm"),
    path("disclosures/<int:pk>/comment/", views.disclosure_comment, name="disclosure-comment"),
    path("disclosures/<int:pk>/assign/", views.disclosure_assign, name="disclosure-assign"),
    path("disclosures/<int:pk>/score/", views.disclosure_score, name="disclosure-score"),
    path("disclosures/<int:pk>/report/", views.disclosure_report, name="disclosure-report"),
    path("disclosures/<int:pk>/return/", views.disclosure_return, name="disclosure-return"),
    path("disclosures/<int:pk>/decide/", views.disclosure_decide, name="disclosure-decide"),
    path(
        "disclosures/<int:pk>/attachments/<int:aid>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("results/", views.result_list, name="result-list"),
    path("", include("datong.results.urls_import")),
    path("results/quality/", views.result_quality, name="result-quality"),
    path("results/<int:pk>/", views.result_detail, name="result-detail"),
    path("results/<int:pk>/edit/", views.result_edit, name="result-edit"),
    path("results/<int:pk>/merge/", views.result_merge, name="result-merge"),
]
