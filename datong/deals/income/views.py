"""Pages of ledgers, reward policies, distributions, statements, the reward calculator and a
person's own rewards. Thin: read through the selectors, write through the services, show the
services' messages next to the fields."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, scope_for

from . import exports, ledger, preview, rules, selectors, services
from .forms import (
    CalculatorForm,
    CancelForm,
    DistributionForm,
    EntryForm,
    ExecuteForm,
    InventorFormSet,
    PolicyForm,
    fact_value,
)
from .models import DealType, DistributionStatus

LIST_FILTERS = ("q", "status", "deal_type", "year")

RULE_KINDS = {
    "reward_floors": gettext_lazy("Reward floors: the team's least share of net income"),
    "main_contributors": gettext_lazy("Main contributors' least part of the team pool"),
    "tax_half_rate": gettext_lazy("Cash rewards counted at half into wage income"),
    "income_tax_brackets": gettext_lazy("Individual income tax: annual brackets"),
    "equity_reward": gettext_lazy("Equity rewards: no tax on receipt"),
    "equity_deferral": gettext_lazy("Technology contributed for shares: tax deferral"),
}


APPLIES_TO = {
    "shares": gettext_lazy("Split of the net income"),
    "main_contributors": gettext_lazy("Main contributors' part"),
    "taxable": gettext_lazy("Taxable part of cash rewards"),
    "tax_estimate": gettext_lazy("Income-tax estimate"),
    "equity": gettext_lazy("Equity rewards"),
    "deferral": gettext_lazy("Tax deferral"),
}


def labelled_rules(cited) -> list[dict]:
    """The rules a figure cites, each with what it applied to in words."""
    return [
        {**rule, "applies_label": APPLIES_TO.get(rule.get("applies_to", ""), "")}
        for rule in cited or []
    ]


def _require_office(user) -> None:
    require(
        selectors.sees_income(user),
        _("Income and rewards are kept by the transfer office."),
    )


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 1990 <= int(value) <= 2200 else None


# --- distributions ---------------------------------------------------------------------------


def _list_params(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in LIST_FILTERS}


def _export_rows(distributions):
    for d in distributions:
        yield [
            d.number,
            d.institution.display_name,
            d.result.number,
            d.result.title,
            d.get_deal_type_display(),
            d.get_status_display(),
            d.decided_on,
            d.income_total,
            d.cost_total,
            d.net_income,
            d.ownership_share,
            d.own_net_income,
            d.team_pool,
            d.institution_amount,
            d.department_amount,
            d.office_amount,
            d.policy.version if d.policy_id else _("Statutory default"),
        ]


@login_required
def distribution_list(request):
    _require_office(request.user)
    params = _list_params(request)
    distributions = selectors.distribution_list(
        actor=request.user,
        status=params["status"],
        deal_type=params["deal_type"],
        year=_year(params["year"]),
        q=params["q"],
    )
    if request.GET.get("export"):
        headers = [
            _("Number"),
            _("Institution"),
            _("Result no."),
            _("Result"),
            _("Deal type"),
            _("Status"),
            _("Distribution date"),
            _("Income"),
            _("Costs"),
            _("Net income"),
            _("Ownership (%)"),
            _("This institution's net income"),
            _("Team pool"),
            _("Institution"),
            _("Department"),
            _("Transfer office"),
            _("Reward policy"),
        ]
        return export_response(
            request, "distributions", _("Distributions"), headers, _export_rows(distributions)
        )
    page = paginate(request, distributions)
    this_year = timezone.localdate().year
    context = {
        "page": page,
        "params": params,
        "statuses": DistributionStatus.choices,
        "deal_types": DealType.choices,
        "years": list(range(this_year, this_year - 8, -1)),
        "filtered": any(params.values()),
    }
    template = (
        "income/partials/distribution_table.html"
        if request.htmx
        else "income/distribution_list.html"
    )
    return render(request, template, context)


def _detail(request, distribution, *, execute=None, cancel=None, status=200):
    office = scope_for(request.user).is_staff_of(distribution.institution_id)
    rewards = list(distribution.rewards.all())
    for reward in rewards:
        reward.rules_behind = exports.reward_rules(reward)
        reward.half_rate = bool(reward.conditions) and all(
            c.get("holds") for c in reward.conditions
        )
    context = {
        "d": distribution,
        "lines": list(distribution.lines.all()),
        "rules": labelled_rules(distribution.rules),
        "equity": distribution.deal_type == DealType.EQUITY,
        "rewards": rewards,
        "office": office,
        "history": selectors.distribution_history(actor=request.user, distribution=distribution)[
            :50
        ],
        "execute_form": execute or ExecuteForm(),
        "cancel_form": cancel or CancelForm(),
        "open_tab": "execute" if execute else "cancel" if cancel else "",
    }
    return render(request, "income/distribution_detail.html", context, status=status)


@login_required
def distribution_detail(request, pk: int):
    _require_office(request.user)
    return _detail(request, selectors.distribution_get(actor=request.user, pk=pk))


@login_required
@require_POST
def distribution_approve(request, pk: int):
    distribution = selectors.distribution_get(actor=request.user, pk=pk)
    try:
        services.distribution_approve(actor=request.user, distribution=distribution)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The distribution was approved."))
    return redirect("income-distribution-detail", pk=pk)


@login_required
@require_POST
def distribution_execute(request, pk: int):
    distribution = selectors.distribution_get(actor=request.user, pk=pk)
    form = ExecuteForm(request.POST)
    if form.is_valid():
        try:
            services.distribution_execute(
                actor=request.user, distribution=distribution, paid_on=form.cleaned_data["paid_on"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The rewards were paid; the distribution is now frozen."))
            return redirect("income-distribution-detail", pk=pk)
    return _detail(request, distribution, execute=form, status=400)


@login_required
@require_POST
def distribution_cancel(request, pk: int):
    distribution = selectors.distribution_get(actor=request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.distribution_cancel(
                actor=request.user, distribution=distribution, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The distribution was cancelled; what it took is back on the ledger.")
            )
            return redirect("income-distribution-detail", pk=pk)
    return _detail(request, distribution, cancel=form, status=400)


def _distribution_form(request, result, data=None, distribution=None):
    book = selectors.ledger(actor=request.user, result=result)
    if distribution is not None:
        # The draft's own takings are not counted against the balances it may take again.
        entries = selectors.ledger(
            actor=request.user, result=result, exclude_distribution=distribution
        )["entries"]
    else:
        entries = book["entries"]
    initial = {}
    if distribution is not None:
        taken = {line.entry_id: line.amount for line in distribution.lines.all()}
        rewards = {r.inventor_id: r for r in distribution.rewards.all()}
        facts = distribution.tax_facts or {}

        def fact(name, default=True):
            value = facts.get(name, default)
            return "yes" if value is True else "no" if value is False else ""

        initial = {
            "deal_type": distribution.deal_type,
            "decided_on": distribution.decided_on,
            "ownership_share": distribution.ownership_share,
            "contract": str(distribution.contract_id or ""),
            "shares_obtained": distribution.shares_obtained,
            "recipients_listed": fact("recipients_listed", None),
            "withheld": fact("withheld", None),
            "job_result": fact("job_result"),
            "note": distribution.note,
            **{f"take_{e.pk}": taken.get(e.pk, Decimal("0")) for e in entries},
            **{f"channel_{k}": r.channel for k, r in rewards.items()},
            **{f"defer_{k}": r.deferral_elected for k, r in rewards.items()},
        }
    contracts = list(selectors.result_contracts(actor=request.user, result=result))
    if distribution is None:
        # The contract the remaining income came from, when it is one contract.
        sources = {e.contract_id for e in entries if e.kind == "income" and e.remaining > 0}
        if len(sources) == 1 and None not in sources:
            initial["contract"] = str(sources.pop())
    form = DistributionForm(
        data,
        initial=initial,
        entries=entries,
        inventors=list(result.inventors.all()),
        contracts=contracts,
    )
    return form, book


@login_required
def distribution_create(request, result_id: int):
    result = selectors.result_for_income(actor=request.user, pk=result_id)
    form, book = _distribution_form(request, result, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            distribution = services.distribution_create(
                actor=request.user, result=result, **form.service_kwargs()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Distribution %(number)s was drafted.") % {"number": distribution.number},
            )
            return redirect("income-distribution-detail", pk=distribution.pk)
    return render(
        request,
        "income/distribution_form.html",
        {"result": result, "form": form, "totals": book["totals"], "distribution": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def distribution_edit(request, pk: int):
    distribution = selectors.distribution_get(actor=request.user, pk=pk)
    if distribution.status != DistributionStatus.DRAFT:
        messages.error(request, _("Only a draft distribution can be changed."))
        return redirect("income-distribution-detail", pk=pk)
    result = selectors.result_for_income(actor=request.user, pk=distribution.result_id)
    form, book = _distribution_form(request, result, request.POST or None, distribution)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            services.distribution_update(
                actor=request.user,
                distribution=distribution,
                takings=kwargs["takings"],
                ownership_share=kwargs["ownership_share"],
                decided_on=kwargs["decided_on"],
                channels=kwargs["channels"],
                deferrals=kwargs["deferrals"],
                tax_facts=kwargs["tax_facts"],
                shares_obtained=kwargs["shares_obtained"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The draft was computed again."))
            return redirect("income-distribution-detail", pk=pk)
    return render(
        request,
        "income/distribution_form.html",
        {
            "result": result,
            "form": form,
            "totals": book["totals"],
            "distribution": distribution,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- ledgers ---------------------------------------------------------------------------------


def _ledger_page(request, result, form=None, status=200):
    book = selectors.ledger(actor=request.user, result=result)
    filings = selectors.result_filings(actor=request.user, result=result)
    return render(
        request,
        "income/ledger.html",
        {
            "result": result,
            "entries": book["entries"],
            "totals": book["totals"],
            "form": form or EntryForm(filings=filings),
            "distributions": selectors.distribution_list(actor=request.user, result=result),
        },
        status=status,
    )


@login_required
def ledger_view(request, result_id: int):
    result = selectors.result_for_income(actor=request.user, pk=result_id)
    return _ledger_page(request, result)


@login_required
@require_POST
def entry_add(request, result_id: int):
    result = selectors.result_for_income(actor=request.user, pk=result_id)
    form = EntryForm(
        request.POST, filings=selectors.result_filings(actor=request.user, result=result)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger.ledger_entry_add(
                actor=request.user,
                result=result,
                kind=data["kind"],
                category=data["category"],
                date=data["date"],
                amount=data["amount"],
                description=data["description"],
                filing=data.get("filing"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The entry was booked."))
            return redirect("income-ledger", result_id=result.pk)
    return _ledger_page(request, result, form=form, status=400)


# --- policies --------------------------------------------------------------------------------


def _rule_figure(kind: str, entry: dict) -> str:
    if kind == "reward_floors":
        floors = entry.get("floors", {})
        labels = dict(DealType.choices)
        return " · ".join(f"{labels.get(k, k)} ≥ {v} %" for k, v in floors.items())
    if kind == "main_contributors":
        return _("at least %(share)s %% of the team pool") % {"share": entry.get("share")}
    if kind == "tax_half_rate":
        return _("%(percent)s %% taxable when paid within %(months)s months") % {
            "percent": entry.get("taxable_percent"),
            "months": entry.get("months"),
        }
    if kind == "income_tax_brackets":
        parts = []
        for top, rate, _deduction in entry.get("brackets", []):
            parts.append(f"≤{int(top):,} {rate} %" if top else f"> {rate} %")
        return " · ".join(parts)
    return ""


def statutory_rules() -> list[dict]:
    """Every dated rule of ``data/rules.json`` with whether it is in force today."""
    today = timezone.localdate()
    english = (get_language() or "").startswith("en")
    out = []
    for kind, entries in rules.all_rules().items():
        current = rules.rule(kind, today)
        for entry in sorted(entries, key=lambda e: e["effective_from"], reverse=True):
            out.append(
                {
                    "kind": kind,
                    "label": RULE_KINDS.get(kind, kind),
                    "id": entry["id"],
                    "version": entry.get("version", ""),
                    "effective_from": entry["effective_from"],
                    "province": entry.get("province", ""),
                    "source": entry.get("source_en")
                    if english and entry.get("source_en")
                    else entry["source"],
                    "figure": _rule_figure(kind, entry),
                    "verify": bool(entry.get("verify")),
                    "in_force": entry is current,
                }
            )
    return out


def _policy_page(request, form=None, status=200):
    institutions = list(selectors.staff_institutions(actor=request.user))
    chosen = request.GET.get("institution") or (
        form.data.get("institution") if form is not None and form.is_bound else ""
    )
    institution = next((i for i in institutions if i.slug == chosen), None)
    if chosen and institution is None:
        raise Http404(_("Not found."))
    institution = institution or (institutions[0] if institutions else None)
    policies = (
        list(selectors.policy_list(actor=request.user, institution=institution))
        if institution
        else []
    )
    today = timezone.localdate()
    current = next((p for p in policies if p.effective_from <= today), None)
    for policy in policies:
        policy.state = (
            "current"
            if policy == current
            else "future"
            if policy.effective_from > today
            else "superseded"
        )
    return render(
        request,
        "income/policy_list.html",
        {
            "institutions": institutions,
            "institution": institution,
            "policies": policies,
            "current": current,
            "form": form
            or PolicyForm(
                institutions=institutions,
                initial={"institution": institution.slug if institution else ""},
            ),
            "statutory": statutory_rules(),
            "open_form": form is not None,
        },
        status=status,
    )


@login_required
def policy_list(request):
    _require_office(request.user)
    return _policy_page(request)


@login_required
@require_POST
def policy_create(request):
    _require_office(request.user)
    institutions = list(selectors.staff_institutions(actor=request.user))
    form = PolicyForm(request.POST, institutions=institutions)
    if form.is_valid():
        data = form.cleaned_data
        institution = next(i for i in institutions if i.slug == data["institution"])
        try:
            policy = services.policy_create(
                actor=request.user,
                institution=institution,
                version=data["version"],
                effective_from=data["effective_from"],
                source=data["source"],
                team_share=data["team_share"],
                institution_share=data["institution_share"],
                department_share=data["department_share"],
                office_share=data["office_share"],
                equity_team_share=data.get("equity_team_share"),
                main_contributor_share=data["main_contributor_share"],
                tiers=data["tiers"],
                note=data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Policy %(version)s was recorded.") % {"version": policy.version}
            )
            return redirect(f"{reverse('income-policy-list')}?institution={institution.slug}")
    return _policy_page(request, form=form, status=400)


# --- statements ------------------------------------------------------------------------------


@login_required
def statement_list(request):
    """Staff: an institution and a year → everyone paid, with their totals."""
    _require_office(request.user)
    institutions = list(selectors.staff_institutions(actor=request.user))
    slug = request.GET.get("institution", "")
    institution = (
        selectors.staff_institution_get(actor=request.user, slug=slug)
        if slug
        else (institutions[0] if institutions else None)
    )
    year = _year(request.GET.get("year", "")) or timezone.localdate().year
    people = (
        selectors.statement_people(actor=request.user, institution=institution, year=year)
        if institution
        else []
    )
    for person in people:
        person["query"] = urlencode(
            {
                "institution": institution.slug,
                "year": year,
                **({"user": person["user_id"]} if person["user_id"] else {"name": person["name"]}),
            }
        )
    totals = {
        "amount": sum((p["amount"] or 0 for p in people), Decimal("0")),
        "taxable": sum((p["taxable"] or 0 for p in people), Decimal("0")),
        "tax": sum((p["tax"] or 0 for p in people), Decimal("0")),
    }
    this_year = timezone.localdate().year
    return render(
        request,
        "income/statement_list.html",
        {
            "institutions": institutions,
            "institution": institution,
            "year": year,
            "years": list(range(this_year, this_year - 8, -1)),
            "people": people,
            "totals": totals,
        },
    )


def _statement_for(request):
    return selectors.statement_for(
        actor=request.user,
        institution_slug=request.GET.get("institution", ""),
        year=_year(request.GET.get("year", "")),
        user_id=request.GET.get("user", ""),
        name=request.GET.get("name", ""),
    )


@login_required
def statement_detail(request):
    statement, staff = _statement_for(request)
    fmt = request.GET.get("format", "")
    if fmt in ("pdf", "xlsx"):
        return exports.statement_response(statement, fmt)
    return render(
        request,
        "income/statement_detail.html",
        {
            "s": statement,
            "lines": exports.statement_lines(statement),
            "staff": staff,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def my_rewards(request):
    years = selectors.my_reward_years(actor=request.user)
    year = _year(request.GET.get("year", "")) or (years[0] if years else timezone.localdate().year)
    rewards = list(
        selectors.reward_list(actor=request.user, year=year, mine=True).select_related(
            "distribution__contract"
        )
    )
    institutions = []
    for reward in rewards:
        reward.rules_behind = exports.reward_rules(reward)
        if reward.distribution.institution not in institutions:
            institutions.append(reward.distribution.institution)
    total = sum((r.amount for r in rewards), Decimal("0"))
    return render(
        request,
        "income/my_rewards.html",
        {
            "years": years,
            "year": year,
            "rewards": rewards,
            "institutions": institutions,
            "total": total,
            "taxable": sum((r.taxable for r in rewards), Decimal("0")),
            "tax": sum((r.tax_estimate for r in rewards), Decimal("0")),
        },
    )


# --- the calculator --------------------------------------------------------------------------


def _preview_input(form, formset) -> preview.PreviewInput:
    data = form.cleaned_data
    people = [
        preview.PreviewInventor(
            name=row["name"],
            share=row["share"],
            paid_here=bool(row.get("paid_here")),
            channel=row.get("channel") or "cash",
            is_main=bool(row.get("is_main")),
            other_income=row.get("other_income") or Decimal("0"),
        )
        for row in formset.cleaned_data
        if row and row.get("name")
    ]
    return preview.PreviewInput(
        deal_type=data["deal_type"],
        income=data["income"],
        costs=data.get("costs") or Decimal("0"),
        institution=data.get("institution") or None,
        inventors=people,
        ownership_share=data["ownership_share"],
        on=data.get("on"),
        income_received_on=data.get("income_received_on"),
        paid_on=data.get("paid_on"),
        ip_types=tuple(data.get("ip_types") or ()),
        contract_registered=fact_value(data.get("contract_registered") or ""),
        recipients_listed=fact_value(data.get("recipients_listed") or ""),
        withheld=fact_value(data.get("withheld") or ""),
        job_result=fact_value(data.get("job_result") or ""),
        shares_obtained=data.get("shares_obtained"),
        deferral_elected=bool(data.get("deferral_elected")),
    )


@login_required
def calculator(request):
    _require_office(request.user)
    institutions = list(selectors.staff_institutions(actor=request.user))
    outcome = None
    if request.method == "POST":
        form = CalculatorForm(request.POST, institutions=institutions)
        formset = InventorFormSet(request.POST, prefix="inv")
        if form.is_valid() and formset.is_valid():
            if form.cleaned_data.get("institution") and not any(
                i.slug == form.cleaned_data["institution"] for i in institutions
            ):
                raise Http404(_("Not found."))
            try:
                outcome = preview.reward_preview(
                    actor=request.user, data=_preview_input(form, formset)
                )
            except ValidationError as exc:
                attach_errors(form, exc)
    else:
        today = timezone.localdate()
        form = CalculatorForm(
            institutions=institutions,
            initial={
                "institution": institutions[0].slug if len(institutions) == 1 else "",
                "income_received_on": today,
                "paid_on": today,
            },
        )
        formset = InventorFormSet(
            prefix="inv",
            initial=[
                {"name": _("Inventor A"), "share": Decimal("60"), "is_main": True},
                {"name": _("Inventor B"), "share": Decimal("40")},
            ],
        )
    if outcome is not None:
        outcome["rules"] = labelled_rules(outcome["rules"])
    context = {
        "form": form,
        "formset": formset,
        "outcome": outcome,
        "equity": bool(outcome and outcome["deal_type"] == DealType.EQUITY),
    }
    if request.htmx:
        return render(request, "income/partials/calculator_result.html", context)
    return render(request, "income/calculator.html", context)
