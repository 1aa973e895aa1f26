# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from . import selectors, services
from .schemas import MeOut, PersonOut, TokenOut

router = Router(tags=["people"])


class PeopleFilter(Schema):
    q: str = ""
    institution: str = ""
    role: str = ""
    department: int | None = None
    sort: str = "name"


@router.get("/me", response=MeOut, summary="The signed-in user with their roles")
def me(request: HttpRequest):
    return selectors.person_get(actor=request.user, pk=request.user.pk)


@router.get("/people", response=list[PersonOut], summary="People the user may see")
@paginate(PageNumberPagination, page_size=25)
def people(request: HttpRequest, filters: Query[PeopleFilter]):
    return selectors.people_list(actor=request.user, **filters.dict())


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def person(request: HttpRequest, person_id: int):
    return selectors.person_get(actor=request.user, pk=person_id)


@router.get("/tokens", response=list[TokenOut], tags=["tokens"], summary="Your API tokens")
def tokens(request: HttpRequest):
    return list(selectors.token_list(actor=request.user))


@router.delete(
    "/tokens/{token_id}", response=TokenOut, tags=["tokens"], summary="Revoke one of your tokens"
)
def token_revoke(request: HttpRequest, token_id: int):
    token = selectors.token_get(actor=request.user, pk=token_id)
    return services.api_token_revoke(actor=request.user, token=token)
