"""A project's money per funding line and cost type: awarded, released, spent, the caps of the
eligible cost types, and what is left.

Definitions used everywhere (pages, reports, API, termination, programme figures):

* **awarded** — the project's money on the line, frozen at the start;
* **released** — the tranches paid out so far (the advance and accepted milestones);
* **spent** — expenses recorded and not rejected (eligible spending);
* **rejected** — expenses the office rejected as ineligible: paid out of the project's money,
  to be paid back;
* **available** — released − spent − rejected: what can still be spent before the next tranche;
* **remaining** — awarded − spent: what is left of the award.

A cost type's cap is the lower of ``cap_share`` % of the project's awarded money on the line and
``cap_amount``; no rule for a cost type on a line means it is not eligible there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from datong.poc.models import CostRule, CostType, FundingLine

from .models import Expense, ExpenseStatus, Project, Tranche

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value) -> str:
    """¥1,234,567.80"""
    return f"¥{cents(value or 0):,.2f}"


def line_name(line: FundingLine) -> str:
    from django.utils.translation import get_language

    if (get_language() or "").startswith("en") and line.name_en:
        return line.name_en
    return line.name


def cost_cap(rule: CostRule, awarded: Decimal) -> Decimal | None:
    caps = []
    if rule.cap_share is not None:
        caps.append(cents(awarded * rule.cap_share / 100))
    if rule.cap_amount is not None:
        caps.append(cents(rule.cap_amount))
    return min(caps) if caps else None


def cap_basis(rule: CostRule, awarded: Decimal) -> str:
    """How a cap is set, in words: "20% of the ¥150,000.00 awarded on this line"."""
    share = amount = ""
    if rule.cap_share is not None:
        share = _("%(share)s%% of the %(awarded)s awarded on this line") % {
            "share": f"{rule.cap_share.normalize():f}",
            "awarded": yuan(awarded),
        }
    if rule.cap_amount is not None:
        amount = yuan(rule.cap_amount)
    if share and amount:
        return _("the lower of %(share)s and %(amount)s") % {"share": share, "amount": amount}
    return share or (_("a fixed amount") if amount else "")


@dataclass
class CostRow:
    cost_type: str
    eligible: bool
    cap: Decimal | None = None
    basis: str = ""
    spent: Decimal = ZERO
    rejected: Decimal = ZERO

    @property
    def label(self) -> str:
        return str(CostType(self.cost_type).label)

    @property
    def cap_left(self) -> Decimal | None:
        return None if self.cap is None else self.cap - self.spent

    @property
    def cap_used(self) -> int | None:
        """Share of the cap used, in whole per cent (for a bar)."""
        if not self.cap:
            return None
        return min(100, int(self.spent * 100 / self.cap))


@dataclass
class LineRow:
    line: FundingLine
    awarded: Decimal = ZERO
    released: Decimal = ZERO
    spent: Decimal = ZERO
    rejected: Decimal = ZERO
    costs: list[CostRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        return line_name(self.line)

    @property
    def available(self) -> Decimal:
        return self.released - self.spent - self.rejected

    @property
    def remaining(self) -> Decimal:
        return self.awarded - self.spent

    def cost(self, cost_type: str) -> CostRow:
        found = next((c for c in self.costs if c.cost_type == cost_type), None)
        return found or CostRow(cost_type, eligible=False)


@dataclass
class Ledger:
    lines: list[LineRow]

    def line(self, line_id: int) -> LineRow | None:
        return next((row for row in self.lines if row.line.pk == line_id), None)

    def total(self, name: str) -> Decimal:
        return sum((getattr(row, name) for row in self.lines), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        names = ("awarded", "released", "spent", "rejected", "available", "remaining")
        return {name: self.total(name) for name in names}


def _sums(qs, *keys) -> dict:
    return {tuple(row[k] for k in keys): row["total"] for row in qs.annotate(total=Sum("amount"))}


def project_ledger(project: Project) -> Ledger:
    funding = list(project.funding.select_related("funding_line"))
    line_ids = [f.funding_line_id for f in funding]
    released = _sums(
        Tranche.objects.filter(project=project).values("funding_line_id"), "funding_line_id"
    )
    spending = _sums(
        Expense.objects.filter(project=project).values("funding_line_id", "cost_type", "status"),
        "funding_line_id",
        "cost_type",
        "status",
    )
    rules = defaultdict(list)
    for rule in CostRule.objects.filter(funding_line_id__in=line_ids):
        rules[rule.funding_line_id].append(rule)
    rows = []
    for item in funding:
        row = LineRow(item.funding_line, awarded=item.awarded)
        row.released = released.get((item.funding_line_id,), ZERO)
        for rule in sorted(
            rules[item.funding_line_id], key=lambda r: CostType.values.index(r.cost_type)
        ):
            row.costs.append(
                CostRow(
                    rule.cost_type,
                    eligible=True,
                    cap=cost_cap(rule, item.awarded),
                    basis=cap_basis(rule, item.awarded),
                )
            )
        for (line_id, cost_type, status), total in spending.items():
            if line_id != item.funding_line_id:
                continue
            cost = row.cost(cost_type)
            if not any(c is cost for c in row.costs):
                row.costs.append(cost)
            if status == ExpenseStatus.REJECTED:
                cost.rejected += total
                row.rejected += total
            else:
                cost.spent += total
                row.spent += total
        rows.append(row)
    return Ledger(rows)


def snapshot(ledger: Ledger) -> dict:
    """The ledger as JSON (amounts as strings), frozen into a spending report."""

    def amounts(obj, names) -> dict:
        return {name: str(cents(getattr(obj, name))) for name in names}

    lines = []
    for row in ledger.lines:
        costs = [
            {
                "cost_type": c.cost_type,
                "eligible": c.eligible,
                "cap": None if c.cap is None else str(c.cap),
                **amounts(c, ("spent", "rejected")),
            }
            for c in row.costs
        ]
        names = ("awarded", "released", "spent", "rejected", "available", "remaining")
        lines.append(
            {"line": row.line.code, "name": row.line.name, "name_en": row.line.name_en}
            | amounts(row, names)
            | {"costs": costs}
        )
    totals = {name: str(cents(value)) for name, value in ledger.totals.items()}
    return {"lines": lines, "totals": totals}


LINE_AMOUNTS = ("awarded", "released", "spent", "rejected", "available", "remaining")


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def snapshot_rows(data: dict) -> dict:
    """A snapshot (frozen in a report, or of the live ledger) as rows for the pages: amounts as
    ``Decimal``, names in the user's language, each cost type's cap left and share used."""
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    lines = []
    for line in data.get("lines", []):
        row = {name: _decimal(line.get(name, "0")) for name in LINE_AMOUNTS}
        row["code"] = line.get("line", "")
        row["name"] = (line.get("name_en") if english else "") or line.get("name", "")
        row["costs"] = []
        for item in line.get("costs", []):
            cost = CostRow(
                item["cost_type"],
                eligible=item.get("eligible", True),
                cap=_decimal(item.get("cap")),
                spent=_decimal(item.get("spent", "0")),
                rejected=_decimal(item.get("rejected", "0")),
            )
            row["costs"].append(cost)
        lines.append(row)
    totals = {name: _decimal(v) for name, v in data.get("totals", {}).items()}
    return {"lines": lines, "totals": totals}
