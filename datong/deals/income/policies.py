"""Institutions' reward policies: which one is in force, what shares it gives, and whether it
respects the statutory floors (a policy below them is refused with the rule named)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import rules
from .calc import HUNDRED, Shares, statutory_shares
from .models import RewardPolicy


def policy_in_force(institution, on: dt.date) -> RewardPolicy | None:
    """The institution's policy whose date is the latest on or before ``on``."""
    if institution is None:
        return None
    return (
        RewardPolicy.objects.filter(institution=institution, effective_from__lte=on)
        .select_related("institution")
        .order_by("-effective_from", "-pk")
        .first()
    )


def parse_tiers(raw: Any) -> tuple[tuple[Decimal | None, Decimal], ...]:
    """``[{"up_to": "1000000" | null, "team": "70"}, ...]`` → ascending bands, the last open."""
    if not raw:
        return ()
    if not isinstance(raw, list):
        raise ValidationError({"tiers": _("Give the tiers as a list of bands.")})
    bands: list[tuple[Decimal | None, Decimal]] = []
    for index, item in enumerate(raw, start=1):
        try:
            upper = item.get("up_to")
            upper = None if upper in (None, "") else Decimal(str(upper))
            team = Decimal(str(item["team"]))
        except (AttributeError, KeyError, InvalidOperation, TypeError) as exc:
            raise ValidationError(
                {
                    "tiers": _("Band %(n)d: give an upper bound (or none) and the team's share.")
                    % {"n": index}
                }
            ) from exc
        bands.append((upper, team))
    for index, (upper, _team) in enumerate(bands):
        last = index == len(bands) - 1
        if last != (upper is None):
            raise ValidationError(
                {"tiers": _("Every band but the last needs an upper bound; the last has none.")}
            )
        if upper is not None and (upper <= 0 or (index and upper <= bands[index - 1][0])):
            raise ValidationError({"tiers": _("The bands' upper bounds must rise.")})
    return tuple(bands)


def shares_of(policy: RewardPolicy) -> Shares:
    return Shares(
        team=policy.team_share,
        institution=policy.institution_share,
        department=policy.department_share,
        office=policy.office_share,
        equity_team=policy.equity_team_share,
        main_contributors=policy.main_contributor_share,
        tiers=parse_tiers(policy.tiers),
        citation=rules.policy_citation(policy),
    )


def shares_for(institution, deal_type: str, on: dt.date) -> tuple[Shares, RewardPolicy | None]:
    """The shares that apply: the institution's policy in force, else the statutory default."""
    policy = policy_in_force(institution, on)
    if policy is not None:
        return shares_of(policy), policy
    province = getattr(institution, "province", "") or ""
    return statutory_shares(deal_type, on, province), None


def pct(value: Decimal) -> str:
    """40.00 → "40", 52.50 → "52.5"."""
    return format(value.normalize(), "f")


def _floor_message(what: str, given: Decimal, floor: Decimal, entry: dict) -> str:
    return _(
        "%(what)s is %(given)s %%, below the statutory floor of %(floor)s %% (%(source)s, "
        "rule %(rule)s)."
    ) % {
        "what": what,
        "given": pct(given),
        "floor": pct(floor),
        "source": entry["source"],
        "rule": entry["id"],
    }


def validate_policy(
    *,
    institution,
    effective_from: dt.date,
    team_share: Decimal,
    institution_share: Decimal,
    department_share: Decimal,
    office_share: Decimal,
    equity_team_share: Decimal,
    main_contributor_share: Decimal,
    tiers: Any,
) -> tuple[tuple[Decimal | None, Decimal], ...]:
    """Every problem of a policy at once; the statutory floors in force on its date are
    minimums it cannot go below."""
    errors: dict[str, list[str]] = {}
    named = {
        "team_share": team_share,
        "institution_share": institution_share,
        "department_share": department_share,
        "office_share": office_share,
        "equity_team_share": equity_team_share,
        "main_contributor_share": main_contributor_share,
    }
    for name, value in named.items():
        if value is None or not (0 <= value <= HUNDRED):
            errors.setdefault(name, []).append(_("A share between 0 and 100 %."))
    if errors:
        raise ValidationError(errors)
    total = team_share + institution_share + department_share + office_share
    if total != HUNDRED:
        errors.setdefault("__all__", []).append(
            _(
                "The team, institution, department and office shares add up to %(total)s %%, "
                "not 100 %%."
            )
            % {"total": pct(total)}
        )
    province = getattr(institution, "province", "") or ""
    floor, entry = rules.reward_floor("transfer", effective_from, province)
    if team_share < floor:
        errors.setdefault("team_share", []).append(
            _floor_message(_("The team's share"), team_share, floor, entry)
        )
    equity_floor, equity_entry = rules.reward_floor("equity", effective_from, province)
    if equity_team_share < equity_floor:
        errors.setdefault("equity_team_share", []).append(
            _floor_message(
                _("The team's part of the shares"), equity_team_share, equity_floor, equity_entry
            )
        )
    main_floor, main_entry = rules.main_contributor_floor(effective_from, province)
    if main_contributor_share < main_floor:
        errors.setdefault("main_contributor_share", []).append(
            _("The main contributors' minimum is %(given)s %%, below %(floor)s %% (%(source)s).")
            % {
                "given": pct(main_contributor_share),
                "floor": pct(main_floor),
                "source": main_entry["source"],
            }
        )
    bands: tuple = ()
    try:
        bands = parse_tiers(tiers)
    except ValidationError as exc:
        errors.setdefault("tiers", []).extend(exc.message_dict["tiers"])
    for index, (_upper, percent) in enumerate(bands, start=1):
        if not (0 <= percent <= HUNDRED):
            errors.setdefault("tiers", []).append(
                _("Band %(n)d: a share between 0 and 100 %%.") % {"n": index}
            )
        elif percent < floor:
            errors.setdefault("tiers", []).append(
                _floor_message(_("Band %(n)d's team share") % {"n": index}, percent, floor, entry)
            )
    if errors:
        raise ValidationError(errors)
    return bands
