# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
"""The income API: the reward preview, policies, ledgers, distributions, rewards and
statements. Thin: the selectors scope every read, the services check every write."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.institutions.models import Institution

from . import exports, ledger, preview, selectors, services
from .ledger import with_balance
from .models import LedgerEntry
from .schemas import (
    CancelIn,
    DistributionDetailOut,
    DistributionIn,
    DistributionOut,
    DistributionUpdateIn,
    EntryIn,
    EntryOut,
    ExecuteIn,
    LedgerOut,
    PolicyIn,
    PolicyOut,
    PreviewIn,
    PreviewOut,
    RewardOut,
    StatementOut,
    StatementPersonOut,
)

router = Router(tags=["income"])


def _money(value) -> str:
    return f"{value:.2f}"


# --- the reward preview ----------------------------------------------------------------------


@router.post(
    "/deals/reward-preview",
    response=PreviewOut,
    summary="Compute a distribution and the inventors' rewards and tax without saving "
    "anything (transfer-office staff)",
)
def reward_preview(request: HttpRequest, payload: PreviewIn):
    data = preview.PreviewInput(
        deal_type=payload.deal_type,
        income=payload.income,
        costs=payload.costs,
        institution=payload.institution,
        inventors=[
            preview.PreviewInventor(
                name=person.name,
                share=person.share,
                paid_here=person.paid_here,
                channel=person.channel,
                is_main=person.is_main,
                other_income=person.other_income,
            )
            for person in payload.inventors
        ],
        ownership_share=payload.ownership_share,
        on=payload.on,
        income_received_on=payload.income_received_on,
        paid_on=payload.paid_on,
        ip_types=tuple(payload.ip_types),
        contract_registered=payload.contract_registered,
        recipients_listed=payload.recipients_listed,
        withheld=payload.withheld,
        job_result=payload.job_result,
        shares_obtained=payload.shares_obtained,
        deferral_elected=payload.deferral_elected,
    )
    return preview.reward_preview(actor=request.user, data=data)


# --- policies --------------------------------------------------------------------------------


@router.get("/income/policies", response=list[PolicyOut], summary="Reward policies")
def policies(request: HttpRequest, institution: str = ""):
    chosen = None
    if institution:
        chosen = Institution.objects.filter(slug=institution).first()
        if chosen is None:
            raise Http404
    return selectors.policy_list(actor=request.user, institution=chosen)


@router.post("/income/policies", response={201: PolicyOut}, summary="Record a policy version")
def policy_create(request: HttpRequest, payload: PolicyIn):
    institution = Institution.objects.filter(slug=payload.institution).first()
    if institution is None:
        raise ValidationError({"institution": _("No institution has this short code.")})
    data = payload.dict(exclude={"institution", "tiers"})
    policy = services.policy_create(
        actor=request.user,
        institution=institution,
        tiers=[
            {"up_to": None if t.up_to is None else str(t.up_to), "team": str(t.team)}
            for t in payload.tiers
        ],
        **data,
    )
    return 201, policy


# --- ledgers ---------------------------------------------------------------------------------


@router.get(
    "/income/results/{result_id}/ledger",
    response=LedgerOut,
    summary="A result's ledger: entries with their remaining balances, and totals",
)
def result_ledger(request: HttpRequest, result_id: int):
    result = selectors.result_for_income(actor=request.user, pk=result_id)
    book = selectors.ledger(actor=request.user, result=result)
    return {
        "result": result.pk,
        "entries": book["entries"],
        "totals": {k: _money(v) for k, v in book["totals"].items()},
    }


@router.post(
    "/income/results/{result_id}/entries",
    response={201: EntryOut},
    summary="Book an income or a cost on a result's ledger",
)
def entry_add(request: HttpRequest, result_id: int, payload: EntryIn):
    result = selectors.result_for_income(actor=request.user, pk=result_id)
    filing = None
    if payload.filing is not None:
        filing = (
            selectors.result_filings(actor=request.user, result=result)
            .filter(pk=payload.filing)
            .first()
        )
        if filing is None:
            raise ValidationError({"filing": _("The filing must be one of this result's.")})
    entry = ledger.ledger_entry_add(
        actor=request.user,
        result=result,
        kind=payload.kind,
        category=payload.category,
        date=payload.date,
        amount=payload.amount,
        description=payload.description,
        filing=filing,
    )
    return 201, with_balance(LedgerEntry.objects.filter(pk=entry.pk)).select_related(
        "contract"
    ).get()


# --- distributions ---------------------------------------------------------------------------


class DistributionFilter(Schema):
    status: str = ""
    deal_type: str = ""
    year: int | None = None
    q: str = ""
    result: int | None = None


@router.get(
    "/income/distributions",
    response=list[DistributionOut],
    summary="Distributions the user may see",
)
@paginate(PageNumberPagination, page_size=25)
def distributions(request: HttpRequest, filters: Query[DistributionFilter]):
    params = filters.dict()
    result = None
    if params.pop("result") is not None:
        result = selectors.result_for_income(actor=request.user, pk=filters.result)
    return selectors.distribution_list(actor=request.user, result=result, **params)


def _distribution(request, distribution_id: int):
    return selectors.distribution_get(actor=request.user, pk=distribution_id)


@router.get(
    "/income/distributions/{distribution_id}",
    response=DistributionDetailOut,
    summary="One distribution with the ledger lines it takes and its rewards",
)
def distribution(request: HttpRequest, distribution_id: int):
    return _distribution(request, distribution_id)


def _contract(request, result, contract_id):
    if contract_id is None:
        return None
    contract = (
        selectors.result_contracts(actor=request.user, result=result).filter(pk=contract_id).first()
    )
    if contract is None:
        raise ValidationError({"contract": _("The contract must cover this result.")})
    return contract


@router.post(
    "/income/distributions",
    response={201: DistributionDetailOut},
    summary="Draft a distribution of part-amounts of a result's ledger (all that remains "
    "when takings is omitted)",
)
def distribution_create(request: HttpRequest, payload: DistributionIn):
    result = selectors.result_for_income(actor=request.user, pk=payload.result)
    item = services.distribution_create(
        actor=request.user,
        result=result,
        deal_type=payload.deal_type,
        decided_on=payload.decided_on,
        takings=None if payload.takings is None else [(t.entry, t.amount) for t in payload.takings],
        ownership_share=payload.ownership_share,
        contract=_contract(request, result, payload.contract),
        channels=payload.channels,
        deferrals=payload.deferrals,
        tax_facts=payload.tax_facts,
        shares_obtained=payload.shares_obtained,
        note=payload.note,
    )
    return 201, selectors.distribution_get(actor=request.user, pk=item.pk)


def _update(request, distribution_id: int, payload: DistributionUpdateIn):
    item = services.distribution_update(
        actor=request.user,
        distribution=_distribution(request, distribution_id),
        takings=None if payload.takings is None else [(t.entry, t.amount) for t in payload.takings],
        ownership_share=payload.ownership_share,
        decided_on=payload.decided_on,
        channels=payload.channels,
        deferrals=payload.deferrals,
        tax_facts=payload.tax_facts,
        shares_obtained=payload.shares_obtained,
    )
    return selectors.distribution_get(actor=request.user, pk=item.pk)


@router.patch(
    "/income/distributions/{distribution_id}",
    response=DistributionDetailOut,
    summary="Change a draft distribution and compute it again",
)
def distribution_patch(request: HttpRequest, distribution_id: int, payload: DistributionUpdateIn):
    return _update(request, distribution_id, payload)


@router.post(
    "/income/distributions/{distribution_id}/update",
    response=DistributionDetailOut,
    summary="Change a draft distribution and compute it again (POST form of PATCH)",
)
def distribution_update(request: HttpRequest, distribution_id: int, payload: DistributionUpdateIn):
    return _update(request, distribution_id, payload)


@router.post(
    "/income/distributions/{distribution_id}/approve",
    response=DistributionDetailOut,
    summary="Approve a draft distribution",
)
def distribution_approve(request: HttpRequest, distribution_id: int):
    item = services.distribution_approve(
        actor=request.user, distribution=_distribution(request, distribution_id)
    )
    return selectors.distribution_get(actor=request.user, pk=item.pk)


@router.post(
    "/income/distributions/{distribution_id}/execute",
    response=DistributionDetailOut,
    summary="Pay the rewards of an approved distribution; it is frozen afterwards",
)
def distribution_execute(request: HttpRequest, distribution_id: int, payload: ExecuteIn):
    item = services.distribution_execute(
        actor=request.user,
        distribution=_distribution(request, distribution_id),
        paid_on=payload.paid_on,
    )
    return selectors.distribution_get(actor=request.user, pk=item.pk)


@router.post(
    "/income/distributions/{distribution_id}/cancel",
    response=DistributionDetailOut,
    summary="Cancel a draft or approved distribution; its takings return to the ledger",
)
def distribution_cancel(request: HttpRequest, distribution_id: int, payload: CancelIn):
    item = services.distribution_cancel(
        actor=request.user,
        distribution=_distribution(request, distribution_id),
        reason=payload.reason,
    )
    return selectors.distribution_get(actor=request.user, pk=item.pk)


# --- rewards and statements ------------------------------------------------------------------


class RewardFilter(Schema):
    mine: bool = False
    year: int | None = None


@router.get(
    "/income/rewards",
    response=list[RewardOut],
    summary="Rewards the user may see (mine=true: only their own)",
)
@paginate(PageNumberPagination, page_size=25)
def rewards(request: HttpRequest, filters: Query[RewardFilter]):
    return selectors.reward_list(actor=request.user, year=filters.year, mine=filters.mine)


def _statement(request, institution: str, year: int, user: str, name: str):
    statement, _staff = selectors.statement_for(
        actor=request.user, institution_slug=institution, year=year, user_id=user, name=name
    )
    return statement


@router.get(
    "/income/statements",
    response=StatementOut,
    summary="One person's reward statement for an institution and a year (the user's own "
    "unless the institution's staff name a user or a name)",
)
def statement(request: HttpRequest, institution: str, year: int, user: str = "", name: str = ""):
    s = _statement(request, institution, year, user, name)
    lines = exports.statement_lines(s)
    return {
        "institution": s["institution"].slug,
        "year": s["year"],
        "person": s["person"],
        "user": s["user"].pk if s["user"] is not None else None,
        "total": _money(s["total"]),
        "cash": _money(s["cash"]),
        "credited": _money(s["credited"]),
        "taxable": _money(s["taxable"]),
        "tax_estimate": _money(s["tax_estimate"]),
        "equity_shares": str(s["equity_shares"]),
        "lines": [
            {
                "reward": line["reward"].pk,
                "date": line["date"],
                "number": line["number"],
                "distribution": line["distribution_id"],
                "result": line["result"],
                "deal_type": line["reward"].distribution.deal_type,
                "channel": line["reward"].channel,
                "amount": _money(line["amount"]),
                "shares": None if line["shares"] is None else str(line["shares"]),
                "taxable": _money(line["taxable"]),
                "tax_estimate": _money(line["tax_estimate"]),
                "tax_rule": line["tax_rule"],
                "share_rule": line["share_rule"],
            }
            for line in lines
        ],
    }


@router.get(
    "/income/statements/people",
    response=list[StatementPersonOut],
    summary="Everyone an institution paid rewards in a year, with totals (its staff)",
)
def statement_people(request: HttpRequest, institution: str, year: int):
    chosen = selectors.staff_institution_get(actor=request.user, slug=institution)
    return [
        {
            "user": row["user_id"],
            "name": row["name"],
            "amount": _money(row["amount"]),
            "taxable": _money(row["taxable"]),
            "tax_estimate": _money(row["tax"]),
        }
        for row in selectors.statement_people(actor=request.user, institution=chosen, year=year)
    ]


@router.get(
    "/income/statements/file",
    summary="A reward statement as a file: format=pdf or format=xlsx",
)
def statement_file(
    request: HttpRequest,
    institution: str,
    year: int,
    format: str = "pdf",  # noqa: A002 - the query parameter's public name
    user: str = "",
    name: str = "",
):
    if format not in ("pdf", "xlsx"):
        raise ValidationError({"format": _("Choose pdf or xlsx.")})
    return exports.statement_response(_statement(request, institution, year, user, name), format)
