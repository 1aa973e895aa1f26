# No ``from __future__ import annotations`` here: django-ninja reads the annotations at runtime.
from django.http import HttpRequest
from ninja import Router, Schema

from .numbers import check_application_number

router = Router(tags=["ip"])


class NumberCheckOut(Schema):
    valid: bool
    normalised: str | None
    kind: str | None
    message: str


@router.get(
    "/ip/number-check",
    response=NumberCheckOut,
    auth=None,
    summary="Normalise and validate a Chinese patent application number (no log-in needed)",
)
def number_check(request: HttpRequest, number: str = ""):
    return check_application_number(number).as_dict()
