# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.cases import selectors as case_selectors
from datong.core.permissions import require_staff, scope_for
from datong.institutions.models import Institution
from datong.ip.models import Filing
from datong.results.models import Classification, Result, Scheme

from . import selectors, services
from .models import PaymentTerm
from .schemas import (
    AnnounceIn,
    AvailabilityOut,
    CheckIn,
    CheckOut,
    ContractIn,
    ContractOut,
    ContractPatch,
    GrantIn,
    GrantOut,
    PaymentIn,
    PaymentOut,
    ReachIn,
    ReceivableOut,
    RegisterIn,
    RoyaltyIn,
    RoyaltyOut,
    SignIn,
    TermIn,
    TerminateIn,
    TermOut,
)

router = Router(tags=["deals"])


class ContractFilter(Schema):
    contract_type: str = ""
    status: str = ""
    year: str = ""
    q: str = ""


def _contract(request, contract_id: int):
    return selectors.contract_get(actor=request.user, pk=contract_id)


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _institution(request, slug: str | None) -> Institution:
    scope = scope_for(request.user)
    if slug:
        institution = Institution.objects.filter(slug=slug).first()
        if institution is None:
            raise ValidationError({"institution": _("No institution has this short code.")})
        return institution
    ids = sorted(scope.staff_institution_ids)
    if len(ids) == 1:
        return Institution.objects.get(pk=ids[0])
    require_staff(request.user, None)  # none: refused; several: must choose
    raise ValidationError({"institution": _("Choose the institution (its short code).")})


def _results(institution_id: int, ids) -> list:
    found = list(Result.objects.filter(pk__in=ids or [], institution_id=institution_id))
    if len(found) != len(set(ids or [])):
        raise ValidationError({"results": _("Only the institution's own results can be covered.")})
    return found


def _filings(institution_id: int, ids) -> list:
    found = list(
        Filing.objects.filter(
            pk__in=ids or [], family__institution_id=institution_id
        ).select_related("family")
    )
    if len(found) != len(set(ids or [])):
        raise ValidationError({"filings": _("Only the institution's own filings can be covered.")})
    return found


def _manager(institution_id: int, manager_id):
    if manager_id is None:
        return None
    user = services.staff_users(institution_id).filter(pk=manager_id).first()
    if user is None:
        raise ValidationError(
            {
                "manager": _(
                    "The manager must be office staff or a technology manager of the institution."
                )
            }
        )
    return user


def _industry(code: str | None):
    if not code:
        return None
    field = Classification.objects.filter(scheme=Scheme.INDUSTRY, code=code).first()
    if field is None:
        raise ValidationError(
            {"field_of_use": _("The field of use is an industry of GB/T 4754-2017.")}
        )
    return field


@router.get("/deals/contracts", response=list[ContractOut], summary="Contracts the user may see")
@paginate(PageNumberPagination, page_size=25)
def contracts(request: HttpRequest, filters: Query[ContractFilter]):
    return selectors.contract_list(
        actor=request.user,
        contract_type=filters.contract_type,
        status=filters.status,
        year=filters.year,
        q=filters.q,
    ).prefetch_related("parties", "results", "filings", "terms")


@router.get("/deals/contracts/{contract_id}", response=ContractOut, summary="One contract")
def contract(request: HttpRequest, contract_id: int):
    return _contract(request, contract_id)


@router.post("/deals/contracts", response={201: ContractOut}, summary="Create a draft contract")
def contract_create(request: HttpRequest, payload: ContractIn):
    institution = _institution(request, payload.institution)
    require_staff(request.user, institution.pk)
    case = None
    if payload.match_case is not None:
        case = case_selectors.case_get(actor=request.user, pk=payload.match_case)
    data = payload.dict(exclude={"parties", "results", "filings", "match_case", "institution"})
    data["manager"] = _manager(institution.pk, payload.manager)
    item = services.contract_create(
        actor=request.user,
        institution=institution,
        data=data,
        parties=[p.dict() for p in payload.parties],
        results=_results(institution.pk, payload.results),
        filings=_filings(institution.pk, payload.filings),
        match_case=case,
    )
    return 201, item


@router.patch("/deals/contracts/{contract_id}", response=ContractOut, summary="Change a contract")
def contract_update(request: HttpRequest, contract_id: int, payload: ContractPatch):
    item = _contract(request, contract_id)
    data = payload.dict(exclude_unset=True)
    parties = data.pop("parties", None)
    results = data.pop("results", None)
    filings = data.pop("filings", None)
    if "manager" in data:
        data["manager"] = _manager(item.institution_id, data["manager"])
    return services.contract_update(
        actor=request.user,
        contract=item,
        data=data,
        parties=parties,
        results=_results(item.institution_id, results) if results is not None else None,
        filings=_filings(item.institution_id, filings) if filings is not None else None,
    )


@router.post(
    "/deals/contracts/{contract_id}/announce",
    response=ContractOut,
    summary="Announce an agreed price (end date on the working-day calendar)",
)
def contract_announce(request: HttpRequest, contract_id: int, payload: AnnounceIn):
    return services.contract_announce(
        actor=request.user, contract=_contract(request, contract_id), **payload.dict()
    )


@router.post(
    "/deals/contracts/{contract_id}/sign", response=ContractOut, summary="Record the signature"
)
def contract_sign(request: HttpRequest, contract_id: int, payload: SignIn):
    return services.contract_sign(
        actor=request.user, contract=_contract(request, contract_id), **payload.dict()
    )


@router.post(
    "/deals/contracts/{contract_id}/register",
    response=ContractOut,
    summary="Record the technology-contract registration",
)
def contract_register(request: HttpRequest, contract_id: int, payload: RegisterIn):
    return services.contract_register(
        actor=request.user, contract=_contract(request, contract_id), **payload.dict()
    )


@router.post("/deals/contracts/{contract_id}/complete", response=ContractOut, summary="Complete")
def contract_complete(request: HttpRequest, contract_id: int):
    return services.contract_complete(actor=request.user, contract=_contract(request, contract_id))


@router.post("/deals/contracts/{contract_id}/terminate", response=ContractOut, summary="Terminate")
def contract_terminate(request: HttpRequest, contract_id: int, payload: TerminateIn):
    return services.contract_terminate(
        actor=request.user,
        contract=_contract(request, contract_id),
        on=payload.terminated_on,
        reason=payload.reason,
    )


@router.post(
    "/deals/contracts/{contract_id}/grants",
    response={201: GrantOut},
    summary="Add a licence grant (refused when it overlaps another licence)",
)
def grant_add(request: HttpRequest, contract_id: int, payload: GrantIn):
    item = _contract(request, contract_id)
    data = payload.dict()
    data["result"] = item.results.filter(pk=payload.result).first()
    data["field_of_use"] = _industry(payload.field_of_use)
    return 201, services.licence_grant_add(actor=request.user, contract=item, data=data)


@router.delete(
    "/deals/contracts/{contract_id}/grants/{grant_id}",
    response={204: None},
    summary="Remove a licence grant of an unsigned contract",
)
def grant_remove(request: HttpRequest, contract_id: int, grant_id: int):
    item = _contract(request, contract_id)
    services.licence_grant_remove(
        actor=request.user, grant=get_object_or_404(item.grants, pk=grant_id)
    )
    return 204, None


@router.get(
    "/deals/results/{result_id}/licences",
    response=AvailabilityOut,
    summary="A result's exclusive (taken) and non-exclusive (shared) grants",
)
def availability(request: HttpRequest, result_id: int, on: dt.date | None = None):
    result = selectors.result_for_licences(actor=request.user, pk=result_id)
    view = selectors.licence_availability(actor=request.user, result=result, on=on)
    return {"result": result.pk, "on": view["on"], "taken": view["taken"], "shared": view["shared"]}


@router.post(
    "/deals/results/{result_id}/licences/check",
    response=CheckOut,
    summary="Is a field of use × territory × period free to license?",
)
def availability_check(request: HttpRequest, result_id: int, payload: CheckIn):
    result = selectors.result_for_licences(actor=request.user, pk=result_id)
    if payload.ends_on < payload.starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    check = selectors.licence_check(
        actor=request.user,
        result=result,
        field=_industry(payload.field_of_use),
        territory=payload.territory,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return {
        "free": check.free_exclusive,
        "free_non_exclusive": check.free_non_exclusive,
        "conflicts": [
            {
                "contract": g.contract_id,
                "contract_number": g.contract.number,
                "contract_title": g.contract.title,
                "exclusivity": g.exclusivity,
                "field_of_use": g.field_of_use.code if g.field_of_use_id else None,
                "territory": g.territory,
                "starts_on": g.starts_on,
                "ends_on": g.ends_on,
            }
            for g in check.conflicts
        ],
    }


def _term(item, term_id: int) -> PaymentTerm:
    return get_object_or_404(item.terms, pk=term_id)


@router.get(
    "/deals/contracts/{contract_id}/terms", response=list[TermOut], summary="Payment schedule"
)
def terms(request: HttpRequest, contract_id: int):
    return list(_contract(request, contract_id).terms.all())


@router.post("/deals/contracts/{contract_id}/terms", response={201: TermOut}, summary="Add a term")
def term_add(request: HttpRequest, contract_id: int, payload: TermIn):
    item = _contract(request, contract_id)
    return 201, services.payment_term_add(actor=request.user, contract=item, data=payload.dict())


@router.patch(
    "/deals/contracts/{contract_id}/terms/{term_id}", response=TermOut, summary="Change a term"
)
def term_update(request: HttpRequest, contract_id: int, term_id: int, payload: TermIn):
    item = _contract(request, contract_id)
    return services.payment_term_update(
        actor=request.user, term=_term(item, term_id), data=payload.dict(exclude_unset=True)
    )


@router.delete(
    "/deals/contracts/{contract_id}/terms/{term_id}",
    response={204: None},
    summary="Remove a term nothing refers to",
)
def term_remove(request: HttpRequest, contract_id: int, term_id: int):
    item = _contract(request, contract_id)
    services.payment_term_remove(actor=request.user, term=_term(item, term_id))
    return 204, None


@router.post(
    "/deals/contracts/{contract_id}/terms/{term_id}/reach",
    response=TermOut,
    summary="A milestone was reached: its payment falls due",
)
def term_reach(request: HttpRequest, contract_id: int, term_id: int, payload: ReachIn):
    item = _contract(request, contract_id)
    return services.payment_term_reach(
        actor=request.user, term=_term(item, term_id), reached_on=payload.reached_on
    )


@router.get(
    "/deals/contracts/{contract_id}/payments", response=list[PaymentOut], summary="Payments"
)
def payments(request: HttpRequest, contract_id: int):
    return list(_contract(request, contract_id).payments.all())


@router.post(
    "/deals/contracts/{contract_id}/payments",
    response={201: PaymentOut},
    summary="Record a payment received (books the income on the results' ledgers)",
)
def payment_add(request: HttpRequest, contract_id: int, payload: PaymentIn):
    item = _contract(request, contract_id)
    term = _term(item, payload.term) if payload.term is not None else None
    data = payload.dict(exclude={"term"})
    return 201, services.payment_record(actor=request.user, contract=item, term=term, **data)


@router.get(
    "/deals/contracts/{contract_id}/royalty-reports",
    response=list[RoyaltyOut],
    summary="Royalty reports",
)
def royalty_reports(request: HttpRequest, contract_id: int):
    return list(_contract(request, contract_id).royalty_reports.all())


@router.post(
    "/deals/contracts/{contract_id}/royalty-reports",
    response={201: RoyaltyOut},
    summary="Record a licensee's sales report (royalty = sales × rate / 100)",
)
def royalty_add(request: HttpRequest, contract_id: int, payload: RoyaltyIn):
    item = _contract(request, contract_id)
    data = payload.dict(exclude={"term"})
    report = services.royalty_report_record(
        actor=request.user, contract=item, term=_term(item, payload.term), **data
    )
    return 201, report


def _receivable_out(row) -> dict:
    return {
        "contract": row.contract.pk,
        "contract_number": row.contract.number,
        "contract_title": row.contract.title,
        "due": _money(row.due),
        "received": _money(row.received),
        "outstanding": _money(row.outstanding),
        "overdue": _money(row.overdue),
        "items": [
            {
                "kind": i.kind,
                "label": str(i.label),
                "due_on": i.due_on,
                "amount": None if i.amount is None else _money(i.amount),
                "paid": _money(i.paid),
                "outstanding": _money(i.outstanding),
                "state": i.state,
            }
            for i in row.items
        ],
    }


@router.get(
    "/deals/receivables",
    response=list[ReceivableOut],
    summary="Contracts with money outstanding, most overdue first",
)
@paginate(PageNumberPagination, page_size=25)
def receivables(request: HttpRequest, overdue: bool = False, q: str = ""):
    return [
        _receivable_out(r)
        for r in selectors.receivables(actor=request.user, overdue_only=overdue, q=q)
    ]


@router.get(
    "/deals/contracts/{contract_id}/receivable",
    response=ReceivableOut,
    summary="One contract's schedule against the money received",
)
def receivable(request: HttpRequest, contract_id: int):
    return _receivable_out(selectors.receivable(_contract(request, contract_id)))
