"""The money a call's decision must fit, in yuan: the call's budget, and for each funding line
with a cap for the whole line (``FundingLine.total_cap``) what is left of it after the other
calls of the programme (the amounts awarded to their applications on the public notice or
awarded). Lines without a cap are limited by the budget only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from datong.poc.models import ApplicationStatus, Call, FundingLine, FundingRequest
from datong.poc.money import yuan

#: Statuses whose awarded money is committed.
COMMITTED = (ApplicationStatus.PROVISIONAL, ApplicationStatus.AWARDED)


@dataclass
class Limits:
    budget: Decimal
    lines: list[FundingLine]
    #: line id → what is left of the line's cap (None: no cap).
    caps: dict[int, Decimal | None]

    def overruns(self, requests: Iterable[dict[int, Decimal]]) -> list[str]:
        """A message for each limit the requests together exceed (empty: they fit)."""
        per_line: dict[int, Decimal] = defaultdict(Decimal)
        for request in requests:
            for line_id, amount in request.items():
                per_line[line_id] += amount
        total = sum(per_line.values(), Decimal(0))
        messages = []
        if total > self.budget:
            messages.append(
                _("The list costs %(total)s: %(over)s over the call's budget of %(budget)s.")
                % {
                    "total": yuan(total),
                    "over": yuan(total - self.budget),
                    "budget": yuan(self.budget),
                }
            )
        for line in self.lines:
            cap = self.caps.get(line.pk)
            if cap is not None and per_line[line.pk] > cap:
                messages.append(
                    _(
                        "%(line)s: %(total)s, %(over)s over what is left of the line's cap "
                        "(%(cap)s)."
                    )
                    % {
                        "line": line.display_name,
                        "total": yuan(per_line[line.pk]),
                        "over": yuan(per_line[line.pk] - cap),
                        "cap": yuan(cap),
                    }
                )
        return messages


def limits_for(call: Call) -> Limits:
    lines = list(FundingLine.objects.filter(programme_id=call.programme_id))
    used = dict(
        FundingRequest.objects.filter(
            funding_line__in=lines,
            application__status__in=COMMITTED,
            awarded__isnull=False,
        )
        .exclude(application__call=call)
        .values_list("funding_line")
        .annotate(total=Sum("awarded"))
    )
    caps = {
        line.pk: None
        if line.total_cap is None
        else max(Decimal(0), line.total_cap - used.get(line.pk, Decimal(0)))
        for line in lines
    }
    return Limits(budget=call.budget, lines=lines, caps=caps)


def requests_of(application_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """application id → {funding line id: requested amount}."""
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for app_id, line_id, amount in FundingRequest.objects.filter(
        application_id__in=list(application_ids)
    ).values_list("application_id", "funding_line_id", "amount"):
        result[app_id][line_id] = amount
    return result


def committed_in(call: Call) -> dict[int, dict[int, Decimal]]:
    """The awarded money of the call's applications on the notice or awarded."""
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for app_id, line_id, amount in FundingRequest.objects.filter(
        application__call=call, application__status__in=COMMITTED, awarded__isnull=False
    ).values_list("application_id", "funding_line_id", "awarded"):
        result[app_id][line_id] = amount
    return result
