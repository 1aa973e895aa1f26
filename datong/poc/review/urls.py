from django.urls import path

from . import views

urlpatterns = [
    path("poc/review/", views.home, name="review-home"),
    path("poc/review/<int:pk>/", views.score, name="review-score"),
    path("poc/review/<int:pk>/decline/", views.decline, name="review-decline"),
    path("poc/review/programmes/<slug:code>/pool/", views.pool, name="review-pool"),
    path("poc/review/programmes/<slug:code>/pool/add/", views.pool_add, name="review-pool-add"),
    path(
        "poc/review/programmes/<slug:code>/pool/<int:pk>/remove/",
        views.pool_remove,
        name="review-pool-remove",
    ),
    path(
        "poc/review/programmes/<slug:code>/conflicts/",
        views.pool_conflict,
        name="review-pool-conflict",
    ),
    path("poc/review/calls/<int:pk>/", views.console, name="review-console"),
    path("poc/review/calls/<int:pk>/assign/", views.assign, name="review-assign"),
    path("poc/review/calls/<int:pk>/auto-assign/", views.auto_assign, name="review-auto-assign"),
    path(
        "poc/review/calls/<int:pk>/assignments/<int:assignment>/remove/",
        views.unassign,
        name="review-unassign",
    ),
    path("poc/review/calls/<int:pk>/ranking/", views.ranking_export, name="review-ranking-export"),
    path("poc/review/calls/<int:pk>/propose/", views.propose, name="review-propose"),
    path("poc/review/calls/<int:pk>/change/", views.change, name="review-change"),
    path("poc/review/calls/<int:pk>/publish/", views.publish, name="review-publish"),
    path("poc/review/calls/<int:pk>/finalise/", views.finalise, name="review-finalise"),
    path("poc/review/calls/<int:pk>/promote/", views.promote, name="review-promote"),
]
