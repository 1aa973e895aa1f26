"""``{% case_interest listing %}``: the "express interest" form of a listing's page, for the
signed-in users of an enterprise."""

from __future__ import annotations

from django import template

from datong.market.models import ListingStatus

from .. import selectors, services
from ..forms import InterestForm

register = template.Library()


@register.inclusion_tag("cases/partials/interest.html", takes_context=True)
def case_interest(context, listing):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or listing.status != ListingStatus.PUBLISHED:
        return {"show": False}
    enterprises = list(services.interest_enterprises(user))
    if not enterprises:
        return {"show": False}
    form = context.get("interest_form")
    if form is None:
        demand = request.GET.get("demand", "")
        form = InterestForm(
            enterprises=enterprises, initial={"demand": demand if demand.isdigit() else None}
        )
    return {
        "show": True,
        "form": form,
        "listing": listing,
        "open_case": selectors.open_case_for(actor=user, listing=listing),
        "csrf_token": context.get("csrf_token"),
    }
