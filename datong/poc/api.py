# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
"""Programmes, calls and applications at /api/v1/poc/: the same services and selectors as the
pages, so the same rules, permissions and 404s."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.institutions.models import Institution

from . import applications, selectors, services
from .schemas import (
    AgreementIn,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    ApplicationSummaryOut,
    CallOut,
    ObjectionIn,
    ObjectionOut,
    ProgrammeIn,
    ProgrammeOut,
    ResolveIn,
    TransitionIn,
)

router = Router(tags=["programmes"])


class ApplicationFilter(Schema):
    call: int | None = None
    programme: str = ""
    status: str = ""
    stage: str = ""
    funding_line: str = ""
    q: str = ""


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    """The same messages, their fields named inside a list (``funding_lines[0].code``)."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({prefix: exc.messages})
    return ValidationError({f"{prefix}.{k}": v for k, v in exc.message_dict.items()})


@router.get("/poc/programmes", response=list[ProgrammeOut], summary="Active programmes")
@paginate(PageNumberPagination, page_size=25)
def programmes(request: HttpRequest):
    return selectors.programme_list(actor=request.user)


@router.get("/poc/programmes/{code}", response=ProgrammeOut, summary="One programme")
def programme(request: HttpRequest, code: str):
    return selectors.programme_get(actor=request.user, code=code)


@router.post(
    "/poc/programmes",
    response={201: ProgrammeOut},
    summary="Create a programme with its funding lines and rubric (the owner's office)",
)
def programme_create(request: HttpRequest, payload: ProgrammeIn):
    owner = get_object_or_404(Institution, slug=payload.owner)
    data = payload.dict(exclude={"owner", "funding_lines", "criteria"})
    with transaction.atomic():
        created = services.programme_create(actor=request.user, owner=owner, data=data)
        for number, line in enumerate(payload.funding_lines):
            try:
                services.funding_line_save(actor=request.user, programme=created, data=line.dict())
            except ValidationError as exc:
                raise _prefixed(exc, f"funding_lines[{number}]") from exc
        if payload.criteria:
            services.rubric_set(
                actor=request.user,
                programme=created,
                criteria=[c.dict() for c in payload.criteria],
            )
    return 201, selectors.programme_get(actor=request.user, code=created.code)


@router.get("/poc/calls/{call_id}", response=CallOut, summary="One call for applications")
def call(request: HttpRequest, call_id: int):
    return selectors.call_get(actor=request.user, pk=call_id)


@router.get(
    "/poc/applications",
    response=list[ApplicationSummaryOut],
    summary="Applications the user may see",
)
@paginate(PageNumberPagination, page_size=25)
def application_list(request: HttpRequest, filters: Query[ApplicationFilter]):
    return selectors.application_list(actor=request.user, **filters.dict())


@router.get(
    "/poc/applications/{application_id}", response=ApplicationOut, summary="One application"
)
def application(request: HttpRequest, application_id: int):
    return selectors.application_get(actor=request.user, pk=application_id)


@router.post(
    "/poc/calls/{call_id}/applications",
    response={201: ApplicationOut},
    summary="Start a draft application, with its milestones, needs, team and requests",
)
def application_create(request: HttpRequest, call_id: int, payload: ApplicationIn):
    found = selectors.call_get(actor=request.user, pk=call_id)
    result = selectors.applicable_result_get(actor=request.user, pk=payload.result)
    data = payload.dict(exclude_unset=True, exclude={"result"})
    if data.get("title") is None:
        data.pop("title", None)
    created = applications.application_create(
        actor=request.user, call=found, result=result, data=data
    )
    return 201, selectors.application_get(actor=request.user, pk=created.pk)


@router.patch(
    "/poc/applications/{application_id}",
    response=ApplicationOut,
    summary="Edit a draft (or an application returned for correction)",
)
def application_update(request: HttpRequest, application_id: int, payload: ApplicationPatch):
    found = selectors.application_get(actor=request.user, pk=application_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    applications.application_update(actor=request.user, application=found, data=data)
    return selectors.application_get(actor=request.user, pk=application_id)


@router.post(
    "/poc/applications/{application_id}/submit",
    response=ApplicationOut,
    summary="Submit: every problem is listed in the 422 answer",
)
def application_submit(request: HttpRequest, application_id: int):
    found = selectors.application_get(actor=request.user, pk=application_id)
    applications.application_submit(actor=request.user, application=found)
    return selectors.application_get(actor=request.user, pk=application_id)


@router.post(
    "/poc/applications/{application_id}/transition",
    response=ApplicationOut,
    summary=(
        "The office's steps (correction_requested, admitted, rejected, under_review) and the "
        "applicant's (submitted, withdrawn, renounced)"
    ),
)
def application_transition(request: HttpRequest, application_id: int, payload: TransitionIn):
    found = selectors.application_get(actor=request.user, pk=application_id)
    applications.application_transition(
        actor=request.user, application=found, to=payload.to, note=payload.note
    )
    return selectors.application_get(actor=request.user, pk=application_id)


@router.get(
    "/poc/applications/{application_id}/objections",
    response=list[ObjectionOut],
    summary="Objections raised during the public notice",
)
def objections(request: HttpRequest, application_id: int):
    found = selectors.application_get(actor=request.user, pk=application_id)
    return list(selectors.application_objections(application=found))


@router.post(
    "/poc/applications/{application_id}/objections",
    response={201: ObjectionOut},
    summary="Record an objection received while the public notice runs (the office)",
)
def objection_create(request: HttpRequest, application_id: int, payload: ObjectionIn):
    found = selectors.application_get(actor=request.user, pk=application_id)
    created = applications.objection_record(
        actor=request.user, application=found, data=payload.dict()
    )
    return 201, created


@router.post(
    "/poc/objections/{objection_id}/resolve",
    response=ObjectionOut,
    summary="Resolve an objection; an upheld one moves the application (outcome)",
)
def objection_resolve(request: HttpRequest, objection_id: int, payload: ResolveIn):
    found = selectors.objection_get(actor=request.user, pk=objection_id)
    return applications.objection_resolve(
        actor=request.user,
        objection=found,
        resolution=payload.resolution,
        upheld=payload.upheld,
        outcome=payload.outcome,
    )


@router.post(
    "/poc/applications/{application_id}/agreement",
    response=ApplicationOut,
    summary="Record the signed funding agreement of an awarded application",
)
def agreement(request: HttpRequest, application_id: int, payload: AgreementIn):
    found = selectors.application_get(actor=request.user, pk=application_id)
    applications.agreement_record(
        actor=request.user,
        application=found,
        number=payload.number,
        signed_on=payload.signed_on,
    )
    return selectors.application_get(actor=request.user, pk=application_id)
