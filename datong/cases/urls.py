from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/board/", views.case_board, name="case-board"),
    path("cases/interest/<int:listing_id>/", views.case_interest, name="case-interest"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/advance/", views.case_advance, name="case-advance"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case-assign"),
]
