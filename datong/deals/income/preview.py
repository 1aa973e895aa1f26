"""The reward calculator: the whole computation for figures typed in, saving nothing. The
calculator page and ``POST /api/v1/deals/reward-preview`` both call :func:`reward_preview`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core.permissions import require, works_in_an_office
from datong.institutions.models import Institution

from . import calc
from .policies import shares_for


@dataclass
class PreviewInventor:
    name: str
    share: Decimal
    paid_here: bool = True
    channel: str = calc.CASH
    is_main: bool = False
    other_income: Decimal = Decimal("0")


@dataclass
class PreviewInput:
    deal_type: str
    income: Decimal
    costs: Decimal = Decimal("0")
    institution: str | None = None
    inventors: list[PreviewInventor] = field(default_factory=list)
    ownership_share: Decimal = Decimal("100")
    on: dt.date | None = None
    income_received_on: dt.date | None = None
    paid_on: dt.date | None = None
    ip_types: tuple[str, ...] = ("invention_patent",)
    contract_registered: bool | None = True
    recipients_listed: bool | None = True
    withheld: bool | None = True
    job_result: bool | None = True
    shares_obtained: Decimal | None = None
    deferral_elected: bool = False


def _money_str(value: Decimal | None) -> str | None:
    return None if value is None else str(calc.money(value))


def reward_preview(*, actor, data: PreviewInput) -> dict[str, Any]:
    """Compute a distribution from ``data`` for staff; nothing is saved. With no institution
    the statutory defaults apply; with one, its policy in force on the date."""
    require(works_in_an_office(actor), _("Only transfer-office staff may use the calculator."))
    on = data.on or timezone.localdate()
    institution = None
    if data.institution:
        institution = Institution.objects.filter(slug=data.institution).first()
        if institution is None:
            raise ValidationError({"institution": _("No institution has this short code.")})
    shares, policy = shares_for(institution, data.deal_type, on)
    if not data.inventors:
        raise ValidationError({"inventors": _("Give at least one inventor.")})
    paid_on = data.paid_on or on
    results = []
    outcome = None
    # The tax estimate is per person (their other income differs); the split is common.
    for index, person in enumerate(data.inventors):
        inventors = [
            calc.Inventor(
                name=p.name,
                share=p.share,
                paid_here=p.paid_here,
                is_main=p.is_main,
                channel=p.channel,
                key=i,
            )
            for i, p in enumerate(data.inventors)
        ]
        facts = calc.TaxFacts(
            ip_types=tuple(data.ip_types),
            payer_kind=institution.kind if institution is not None else "university",
            job_result=data.job_result,
            income_received_on=data.income_received_on or on,
            paid_on=paid_on,
            contract_registered=data.contract_registered,
            recipients_listed=data.recipients_listed,
            withheld=data.withheld,
            other_income=person.other_income,
            deferral_elected=data.deferral_elected,
        )
        try:
            outcome = calc.compute(
                deal_type=data.deal_type,
                income=data.income,
                costs=data.costs,
                inventors=inventors,
                shares=shares,
                on=on,
                ownership_share=data.ownership_share,
                facts=facts,
                shares_obtained=data.shares_obtained,
            )
        except calc.RewardError as exc:
            raise ValidationError({exc.field: exc.message}) from exc
        results.append(outcome.inventors[index])
    assert outcome is not None
    return {
        "deal_type": data.deal_type,
        "institution": institution.slug if institution is not None else None,
        "policy": (
            {
                "version": policy.version,
                "effective_from": policy.effective_from.isoformat(),
                "source": policy.source,
            }
            if policy is not None
            else None
        ),
        "income": _money_str(outcome.income),
        "costs": _money_str(outcome.costs),
        "net_income": _money_str(outcome.net_income),
        "ownership_share": str(outcome.ownership_share),
        "own_net_income": _money_str(outcome.own_net_income),
        "team_pool": _money_str(outcome.team_pool),
        "institution_amount": _money_str(outcome.institution_amount),
        "department_amount": _money_str(outcome.department_amount),
        "office_amount": _money_str(outcome.office_amount),
        "shares_obtained": None
        if outcome.shares_obtained is None
        else str(outcome.shares_obtained),
        "team_shares": None if outcome.team_shares is None else str(outcome.team_shares),
        "inventors": [
            {
                "name": r.name,
                "share": str(r.share),
                "paid_here": r.paid_here,
                "is_main": r.is_main,
                "channel": r.channel,
                "pool_share": str(r.pool_share),
                "amount": _money_str(r.amount),
                "shares": None if r.shares is None else str(r.shares),
                "taxable": _money_str(r.taxable),
                "tax_estimate": _money_str(r.tax_estimate),
                "half_rate": r.half_rate,
                "tax_rule": r.tax_rule,
                "conditions": [c.as_dict() for c in r.conditions],
                "deferral_elected": r.deferral_elected,
            }
            for r in results
        ],
        "rules": outcome.rules,
    }
