"""The import page. Included from ``datong/results/urls.py`` with
``path("", include("datong.results.urls_import"))`` (before any ``results/<str:…>/`` pattern)."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("results/import/", views_import.result_import, name="result-import"),
    path(
        "results/import/template.xlsx",
        views_import.result_import_template,
        name="result-import-template",
    ),
    path(
        "results/import/<str:token>/errors.xlsx",
        views_import.result_import_errors,
        name="result-import-errors",
    ),
]
