"""Portfolio pages: analytics, candidate exports, the score explanation and the import."""

from django.urls import path

from . import views_portfolio as views

urlpatterns = [
    path("ip/portfolio/", views.portfolio_page, name="ip-portfolio"),
    path(
        "ip/portfolio/candidates/<str:kind>.xlsx",
        views.portfolio_candidates_export,
        name="ip-portfolio-candidates",
    ),
    path("ip/portfolio/import/", views.portfolio_import_page, name="ip-portfolio-import"),
    path(
        "ip/portfolio/import/template.xlsx",
        views.portfolio_import_template,
        name="ip-portfolio-import-template",
    ),
    path(
        "ip/portfolio/import/<str:token>/errors.xlsx",
        views.portfolio_import_errors,
        name="ip-portfolio-import-errors",
    ),
    path("ip/<int:pk>/score/", views.family_score, name="ip-family-score"),
]
