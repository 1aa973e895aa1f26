from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("match/demands/<int:pk>/", views.demand_matches, name="match-demand"),
    path("match/listings/<int:pk>/", views.listing_matches, name="match-listing"),
    path("match/feedback/", views.feedback, name="match-feedback"),
    path("match/judgements/", views.feedback_list, name="match-judgements"),
    path("match/judgements/export/", views.feedback_export, name="match-judgements-export"),
]
