# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.core.permissions import require_staff, scope_for
from datong.deals import selectors as deal_selectors
from datong.institutions.models import Institution

from . import selectors, services
from .models import BoardSeat, FinancingRound
from .schemas import (
    AbandonIn,
    AppraisalIn,
    ApprovalIn,
    BoardSeatIn,
    BoardSeatOut,
    CompanyIn,
    CompanyOut,
    CompleteIn,
    FilingIn,
    FounderIn,
    FounderOut,
    InvestmentIn,
    InvestmentOut,
    RegistrationIn,
    RoundIn,
    RoundOut,
    ShareholdingIn,
    ShareholdingOut,
    StateIn,
)

router = Router(tags=["companies"])


class CompanyFilter(Schema):
    state: str = ""
    listing: str = ""
    region: str = ""
    year: str = ""
    q: str = ""
    institution: str = ""


class Ended(Schema):
    ended: bool


class InvestmentFilter(Schema):
    step: str = ""


def _company(request, company_id: int):
    return selectors.company_get(actor=request.user, pk=company_id)


def _investment(request, investment_id: int):
    return selectors.investment_get(actor=request.user, pk=investment_id)


def _company_data(payload: CompanyIn) -> tuple[dict, list[int] | None]:
    data = payload.dict(exclude_unset=True)
    data.pop("institution", None)
    results = data.pop("results", None)
    if data.get("incubator"):
        incubator = Institution.objects.filter(slug=data["incubator"]).first()
        if incubator is None:
            raise ValidationError({"incubator": _("Choose an institution from the list.")})
        data["incubator"] = incubator
    return data, results


# --- companies -------------------------------------------------------------------------------


@router.get("/companies", response=list[CompanyOut], summary="Companies the user may see")
@paginate(PageNumberPagination, page_size=25)
def companies(request: HttpRequest, filters: Query[CompanyFilter]):
    return selectors.company_list(actor=request.user, **filters.dict()).prefetch_related(
        "results", "founders"
    )


@router.get("/companies/{company_id}", response=CompanyOut, summary="One company")
def company(request: HttpRequest, company_id: int):
    return _company(request, company_id)


@router.post("/companies", response={201: CompanyOut}, summary="Record a company")
def company_create(request: HttpRequest, payload: CompanyIn):
    scope = scope_for(request.user)
    institution = None
    if payload.institution:
        institution = Institution.objects.filter(slug=payload.institution).first()
    elif len(scope.staff_institution_ids) == 1:
        institution = Institution.objects.filter(pk__in=scope.staff_institution_ids).first()
    if institution is None:
        require_staff(request.user, None)  # 403 for anyone outside an office
        raise ValidationError({"institution": _("Choose the institution.")})
    data, results = _company_data(payload)
    item = services.company_create(
        actor=request.user, institution=institution, data=data, results=results
    )
    return 201, item


@router.patch("/companies/{company_id}", response=CompanyOut, summary="Edit a company")
def company_update(request: HttpRequest, company_id: int, payload: CompanyIn):
    data, results = _company_data(payload)
    return services.company_update(
        actor=request.user, company=_company(request, company_id), data=data, results=results
    )


@router.post(
    "/companies/{company_id}/state", response=CompanyOut, summary="Change a company's state"
)
def company_state(request: HttpRequest, company_id: int, payload: StateIn):
    return services.company_state_change(
        actor=request.user, company=_company(request, company_id), **payload.dict()
    )


@router.post(
    "/companies/{company_id}/founders", response={201: FounderOut}, summary="Add a founder"
)
def founder_add(request: HttpRequest, company_id: int, payload: FounderIn):
    item = services.founder_add(
        actor=request.user, company=_company(request, company_id), data=payload.dict()
    )
    return 201, item


@router.get(
    "/companies/{company_id}/shareholdings",
    response=list[ShareholdingOut],
    summary="The cap table on a date (today by default), or every holding with history=true",
)
def shareholdings(
    request: HttpRequest, company_id: int, on: dt.date | None = None, history: bool = False
):
    item = _company(request, company_id)
    if history:
        return list(item.shareholdings.all())
    return selectors.cap_table(item, on or timezone.localdate())["rows"]


@router.post(
    "/companies/{company_id}/shareholdings",
    response={200: Ended, 201: ShareholdingOut},
    summary="Record a holder's holding from a date (0 % ends it)",
)
def shareholding_set(request: HttpRequest, company_id: int, payload: ShareholdingIn):
    holding = services.shareholding_set(
        actor=request.user, company=_company(request, company_id), **payload.dict()
    )
    return (201, holding) if holding is not None else (200, {"ended": True})


@router.get("/companies/{company_id}/rounds", response=list[RoundOut], summary="Financing rounds")
def rounds(request: HttpRequest, company_id: int):
    return list(FinancingRound.objects.filter(company=_company(request, company_id)))


@router.post(
    "/companies/{company_id}/rounds", response={201: RoundOut}, summary="Record a financing round"
)
def round_add(request: HttpRequest, company_id: int, payload: RoundIn):
    item = services.round_add(
        actor=request.user, company=_company(request, company_id), data=payload.dict()
    )
    return 201, item


@router.get(
    "/companies/{company_id}/board-seats", response=list[BoardSeatOut], summary="Board seats"
)
def board_seats(request: HttpRequest, company_id: int):
    return list(BoardSeat.objects.filter(company=_company(request, company_id)))


@router.post(
    "/companies/{company_id}/board-seats", response={201: BoardSeatOut}, summary="Add a board seat"
)
def board_seat_add(request: HttpRequest, company_id: int, payload: BoardSeatIn):
    item = services.board_seat_add(
        actor=request.user, company=_company(request, company_id), data=payload.dict()
    )
    return 201, item


# --- equity investments ----------------------------------------------------------------------


@router.get("/equity-investments", response=list[InvestmentOut], summary="Equity investments")
@paginate(PageNumberPagination, page_size=25)
def investments(request: HttpRequest, filters: Query[InvestmentFilter]):
    return selectors.investment_list(actor=request.user, **filters.dict()).prefetch_related(
        "results"
    )


@router.get(
    "/equity-investments/{investment_id}", response=InvestmentOut, summary="One equity investment"
)
def investment(request: HttpRequest, investment_id: int):
    return _investment(request, investment_id)


@router.post(
    "/companies/{company_id}/equity-investments",
    response={201: InvestmentOut},
    summary="Start an equity investment in a company",
)
def investment_create(request: HttpRequest, company_id: int, payload: InvestmentIn):
    item = _company(request, company_id)
    contract = None
    if payload.contract is not None:
        contract = (
            deal_selectors.equity_contracts(actor=request.user, institution_id=item.institution_id)
            .filter(pk=payload.contract)
            .first()
        )
        if contract is None:
            raise ValidationError({"contract": _("Choose an equity-investment contract.")})
    investment = services.equity_investment_create(
        actor=request.user,
        company=item,
        results=payload.results,
        contract=contract,
        note=payload.note,
    )
    return 201, investment


@router.post(
    "/equity-investments/{investment_id}/appraisal",
    response=InvestmentOut,
    summary="Record the appraisal (evaluator: a slug of the provider directory)",
)
def appraisal(request: HttpRequest, investment_id: int, payload: AppraisalIn):
    data = payload.dict()
    evaluator = Institution.objects.filter(slug=data.pop("evaluator")).first()
    return services.equity_appraisal_record(
        actor=request.user,
        investment=_investment(request, investment_id),
        evaluator=evaluator,
        **data,
    )


@router.post(
    "/equity-investments/{investment_id}/approvals",
    response=InvestmentOut,
    summary="Record one internal body's decision",
)
def approval(request: HttpRequest, investment_id: int, payload: ApprovalIn):
    return services.equity_approval_record(
        actor=request.user, investment=_investment(request, investment_id), **payload.dict()
    )


@router.post(
    "/equity-investments/{investment_id}/approvals/complete",
    response=InvestmentOut,
    summary="Every body approved: continue to the filing",
)
def approvals_complete(request: HttpRequest, investment_id: int):
    return services.equity_approvals_complete(
        actor=request.user, investment=_investment(request, investment_id)
    )


@router.post(
    "/equity-investments/{investment_id}/filing",
    response=InvestmentOut,
    summary="Record the state-asset filing",
)
def filing(request: HttpRequest, investment_id: int, payload: FilingIn):
    return services.equity_filing_record(
        actor=request.user, investment=_investment(request, investment_id), **payload.dict()
    )


@router.post(
    "/equity-investments/{investment_id}/registration",
    response=InvestmentOut,
    summary="Record the company's registration",
)
def registration(request: HttpRequest, investment_id: int, payload: RegistrationIn):
    return services.equity_registration_record(
        actor=request.user, investment=_investment(request, investment_id), **payload.dict()
    )


@router.post(
    "/equity-investments/{investment_id}/complete",
    response=InvestmentOut,
    summary="Record the shares held (institution and team)",
)
def complete(request: HttpRequest, investment_id: int, payload: CompleteIn):
    return services.equity_complete(
        actor=request.user, investment=_investment(request, investment_id), **payload.dict()
    )


@router.post(
    "/equity-investments/{investment_id}/abandon",
    response=InvestmentOut,
    summary="Abandon the equity investment",
)
def abandon(request: HttpRequest, investment_id: int, payload: AbandonIn):
    return services.equity_abandon(
        actor=request.user, investment=_investment(request, investment_id), **payload.dict()
    )
