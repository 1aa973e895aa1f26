"""Pagination shared by pages (the API uses django-ninja's own)."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.DATONG_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
