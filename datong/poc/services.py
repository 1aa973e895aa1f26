"""Writes of the programme set-up by the owner institution's transfer office: the programme
(budget, eligibility, stages), its funding lines with their eligible cost types, its scoring
rubric and its calls for applications. Applications are written in ``datong.poc.applications``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require, require_staff
from datong.core.validation import length_errors
from datong.institutions.models import Alliance, AllianceMember, Institution
from datong.results.models import Classification, Scheme

from .cleaning import (
    as_list,
    clean_trl,
    find_instance,
    parse_date,
    parse_flag,
    parse_money,
    parse_percent,
    parse_whole,
    percent_text,
    row_message,
    strip_fields,
)
from .models import (
    ApplicationEvent,
    ApplicationStatus,
    Call,
    CallStatus,
    CostRule,
    CostType,
    Criterion,
    FundingLine,
    FundingRequest,
    FundKind,
    PlannedMilestone,
    Programme,
    Stage,
)
from .money import yuan

S = ApplicationStatus
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_OBJECTION_DAYS = 60

# --- programmes ------------------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "kind",
    "alliance",
    "name",
    "name_en",
    "code",
    "description",
    "partners",
    "total_budget",
    "stages",
    "min_trl",
    "max_trl",
    "industries",
    "blind_review",
    "objection_days",
    "starts_on",
    "ends_on",
    "is_active",
)
PROGRAMME_DEFAULTS = {
    "kind": "",
    "alliance": None,
    "stages": [],
    "min_trl": None,
    "max_trl": None,
    "industries": [],
    "starts_on": None,
    "ends_on": None,
    "total_budget": None,
}


def clean_industry_codes(value, errors: dict, field: str = "industries") -> list[str]:
    """GB/T 4754-2017 codes (a section letter such as ``C`` or a division such as ``38``) from a
    list or text, checked against the classification, in its order and without repeats."""
    codes = [str(c).strip().upper() for c in as_list(value)]
    known = dict(
        Classification.objects.filter(scheme=Scheme.INDUSTRY, code__in=codes).values_list(
            "code", "position"
        )
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        errors[field] = _("Not a GB/T 4754 industry code: %(codes)s.") % {
            "codes": "、".join(unknown[:5])
        }
    return sorted(dict.fromkeys(c for c in codes if c in known), key=lambda c: known[c])


def _clean_code(cleaned: dict, errors: dict, taken) -> None:
    if "code" not in cleaned:
        return
    code = (cleaned["code"] or "").lower()
    cleaned["code"] = code
    if not code:
        errors["code"] = _("Give a short code (letters, digits and hyphens).")
    elif not SLUG_RE.match(code):
        errors["code"] = _("Use lower-case letters, digits and hyphens only.")
    elif taken.filter(code=code).exists():
        errors["code"] = _("This short code is already used.")


def _clean_alliance(cleaned: dict, errors: dict, owner: Institution, kind: str) -> None:
    if kind != FundKind.ALLIANCE:
        cleaned["alliance"] = None
        return
    alliance = find_instance(Alliance, cleaned.get("alliance"), "pk", "slug")
    cleaned["alliance"] = alliance or None
    if not alliance:
        errors["alliance"] = _("An alliance programme names its alliance.")
    elif (
        alliance.secretariat_id != owner.pk
        and not AllianceMember.objects.filter(alliance=alliance, institution=owner).exists()
    ):
        errors["alliance"] = _("The programme's institution does not belong to this alliance.")


def _clean_programme_values(cleaned: dict, errors: dict) -> None:
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Give the programme's name.")
    if "kind" in cleaned and cleaned["kind"] not in FundKind.values:
        errors["kind"] = _("Choose the kind of fund.")
    if "total_budget" in cleaned:
        cleaned["total_budget"] = parse_money(cleaned["total_budget"], errors, "total_budget")
        if cleaned["total_budget"] is None and "total_budget" not in errors:
            errors["total_budget"] = _("Give the total budget.")
    if "stages" in cleaned:
        stages = [str(s) for s in as_list(cleaned["stages"])]
        if any(s not in Stage.values for s in stages):
            errors["stages"] = _("Choose stages from the list.")
        cleaned["stages"] = [s for s in Stage.values if s in stages]
    clean_trl(cleaned, errors, "min_trl")
    clean_trl(cleaned, errors, "max_trl")
    if "industries" in cleaned:
        cleaned["industries"] = clean_industry_codes(cleaned["industries"], errors)
    if "objection_days" in cleaned:
        days = parse_whole(
            cleaned["objection_days"],
            errors,
            "objection_days",
            1,
            MAX_OBJECTION_DAYS,
            _("Give the objection period in days, from 1 to %(max)d.")
            % {"max": MAX_OBJECTION_DAYS},
        )
        cleaned["objection_days"] = days if days is not None else 5
    for field in ("starts_on", "ends_on"):
        if field in cleaned:
            cleaned[field] = parse_date(cleaned[field], errors, field)
    for field in ("blind_review", "is_active"):
        if field in cleaned:
            cleaned[field] = parse_flag(cleaned[field])
    for field in ("name_en", "description", "partners"):
        if field in cleaned and cleaned[field] is None:
            cleaned[field] = ""


def _clean_eligible(value, errors: dict, alliance: Alliance | None) -> list[Institution]:
    institutions = []
    for item in as_list(value):
        institution = find_instance(Institution, item, "pk", "slug")
        if not institution:
            errors["eligible_institutions"] = _("Choose institutions from the list.")
            return []
        institutions.append(institution)
    if alliance is not None and institutions:
        members = set(alliance.memberships.values_list("institution_id", flat=True))
        outside = [i.name for i in institutions if i.pk not in members]
        if outside:
            errors["eligible_institutions"] = _("Not a member of the alliance: %(names)s.") % {
                "names": "、".join(outside[:5])
            }
    return list(dict.fromkeys(institutions))


def _clean_programme(
    data: dict, *, owner: Institution, programme: Programme | None = None
) -> tuple[dict, list[Institution] | None]:
    cleaned = strip_fields(data, PROGRAMME_FIELDS)
    errors = length_errors(Programme, cleaned)
    if programme is None:
        for field in ("name", "code", "kind", "total_budget"):
            cleaned.setdefault(field, "")
    _clean_programme_values(cleaned, errors)
    taken = Programme.objects.exclude(pk=programme.pk if programme else None)
    _clean_code(cleaned, errors, taken)

    def value(field):
        if field in cleaned:
            return cleaned[field]
        return getattr(programme, field) if programme else PROGRAMME_DEFAULTS.get(field)

    if "kind" in cleaned or "alliance" in cleaned:
        cleaned.setdefault("alliance", value("alliance"))
        _clean_alliance(cleaned, errors, owner, value("kind"))
    low, high = value("min_trl"), value("max_trl")
    if low and high and low > high:
        errors["max_trl"] = _("The highest readiness cannot be below the lowest.")
    start, end = value("starts_on"), value("ends_on")
    if start and end and end < start:
        errors["ends_on"] = _("The programme cannot end before it starts.")
    budget = value("total_budget")
    if programme is not None and budget is not None and "total_budget" not in errors:
        used = programme.calls.aggregate(total=Sum("budget"))["total"] or Decimal("0")
        if budget < used:
            errors["total_budget"] = _(
                "The calls already share %(used)s: the total budget cannot be lower."
            ) % {"used": yuan(used)}
    institutions = None
    if "eligible_institutions" in data:
        alliance = value("alliance") if value("kind") == FundKind.ALLIANCE else None
        institutions = _clean_eligible(data["eligible_institutions"], errors, alliance or None)
    if errors:
        raise ValidationError(errors)
    return cleaned, institutions


def _set_eligible(programme: Programme, institutions, changes: dict) -> None:
    if institutions is None:
        return
    before = sorted(programme.eligible_institutions.values_list("slug", flat=True))
    after = sorted(i.slug for i in institutions)
    if before != after:
        programme.eligible_institutions.set(institutions)
        changes["eligible_institutions"] = [before, after]


@transaction.atomic
def programme_create(*, actor, owner: Institution, data: dict) -> Programme:
    """A new programme run by ``owner``'s transfer office."""
    require_staff(actor, owner.pk)
    cleaned, institutions = _clean_programme(data, owner=owner)
    programme = Programme(owner=owner)
    if getattr(actor, "is_authenticated", False):
        programme.created_by = actor
    audit.apply_changes(programme, cleaned, PROGRAMME_FIELDS)
    programme.save()
    changes = audit.snapshot(programme, ("name", "code", "kind", "total_budget", "stages"))
    _set_eligible(programme, institutions, changes)
    audit.record(actor=actor, action="poc.programme_create", obj=programme, changes=changes)
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, data: dict) -> Programme:
    require_staff(actor, programme.owner_id)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    cleaned, institutions = _clean_programme(data, owner=programme.owner, programme=programme)
    changes = audit.apply_changes(programme, cleaned, PROGRAMME_FIELDS)
    if changes:
        programme.save()
    _set_eligible(programme, institutions, changes)
    if changes:
        audit.record(actor=actor, action="poc.programme_update", obj=programme, changes=changes)
    return programme


# --- funding lines and their cost rules ------------------------------------------------------

LINE_FIELDS = ("code", "name", "name_en", "per_project_cap", "total_cap")


def _clean_cost_rules(rows, line_cap: Decimal | None, errors: dict) -> list[dict]:
    cleaned, seen, problems = [], set(), []
    for number, row in enumerate(rows or [], start=1):
        row_errors: dict = {}
        cost_type = (row.get("cost_type") or "").strip()
        if cost_type not in CostType.values:
            problems.append(row_message(number, _("choose the cost type.")))
            continue
        if cost_type in seen:
            problems.append(row_message(number, _("this cost type is listed twice.")))
            continue
        seen.add(cost_type)
        share = parse_percent(row.get("cap_share"), row_errors, "cap_share")
        amount = parse_money(row.get("cap_amount"), row_errors, "cap_amount")
        if amount is not None and line_cap is not None and amount > line_cap:
            row_errors["cap_amount"] = _(
                "the cap is above the line's cap per project (%(cap)s)."
            ) % {"cap": yuan(line_cap)}
        for message in row_errors.values():
            problems.append(row_message(number, message))
        cleaned.append({"cost_type": cost_type, "cap_share": share, "cap_amount": amount})
    if problems:
        errors["cost_rules"] = problems
    return cleaned


def _clean_line(data: dict, programme: Programme, line: FundingLine | None) -> dict:
    cleaned = strip_fields(data, LINE_FIELDS)
    errors = length_errors(FundingLine, cleaned)
    if line is None:
        for field in ("code", "name", "per_project_cap"):
            cleaned.setdefault(field, "")
    taken = programme.funding_lines.exclude(pk=line.pk if line else None)
    _clean_code(cleaned, errors, taken)
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Give the line's name.")
    if "name_en" in cleaned and cleaned["name_en"] is None:
        cleaned["name_en"] = ""
    if "per_project_cap" in cleaned:
        cap = parse_money(cleaned["per_project_cap"], errors, "per_project_cap")
        if (cap is None or cap == 0) and "per_project_cap" not in errors:
            errors["per_project_cap"] = _("Give the most one project can receive on this line.")
        cleaned["per_project_cap"] = cap
    if "total_cap" in cleaned:
        cleaned["total_cap"] = parse_money(cleaned["total_cap"], errors, "total_cap")
    cap = cleaned.get("per_project_cap", line.per_project_cap if line else None)
    total = cleaned.get("total_cap", line.total_cap if line else None)
    if total is not None and "total_cap" not in errors:
        if cap and total < cap:
            errors["total_cap"] = _("The line's total cap cannot be below its cap per project.")
        elif total > programme.total_budget:
            errors["total_cap"] = _(
                "The line's total cap cannot exceed the programme's budget (%(budget)s)."
            ) % {"budget": yuan(programme.total_budget)}
    if "cost_rules" in data:
        cleaned["cost_rules"] = _clean_cost_rules(data["cost_rules"], cap, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _set_cost_rules(line: FundingLine, rules: list[dict] | None) -> dict:
    if rules is None:
        return {}
    before = {r.cost_type: r for r in line.cost_rules.all()}
    wanted = {r["cost_type"]: r for r in rules}
    for cost_type, rule in before.items():
        if cost_type not in wanted:
            try:
                rule.delete()
            except ProtectedError as exc:
                raise ValidationError(
                    {
                        "cost_rules": _(
                            "Expenses were recorded as “%(type)s”: keep this cost type."
                        )
                        % {"type": rule.get_cost_type_display()}
                    }
                ) from exc
    for cost_type, values in wanted.items():
        rule = before.get(cost_type) or CostRule(funding_line=line, cost_type=cost_type)
        rule.cap_share, rule.cap_amount = values["cap_share"], values["cap_amount"]
        rule.save()

    def summary(rows):
        return sorted(
            f"{r['cost_type']}:{r['cap_share'] or ''}:{r['cap_amount'] or ''}" for r in rows
        )

    old = summary(
        {"cost_type": r.cost_type, "cap_share": r.cap_share, "cap_amount": r.cap_amount}
        for r in before.values()
    )
    new = summary(rules)
    return {"cost_rules": [old, new]} if old != new else {}


@transaction.atomic
def funding_line_save(
    *, actor, programme: Programme, data: dict, line: FundingLine | None = None
) -> FundingLine:
    """Create (``line=None``) or edit a funding line; ``data["cost_rules"]``, when given, is the
    full list of its eligible cost types with their caps."""
    require_staff(actor, programme.owner_id)
    if line is not None:
        require(line.programme_id == programme.pk)
    cleaned = _clean_line(data, programme, line)
    rules = cleaned.pop("cost_rules", None)
    created = line is None
    if created:
        last = programme.funding_lines.order_by("-position").first()
        line = FundingLine(programme=programme, position=(last.position + 1) if last else 0)
    changes = audit.apply_changes(line, cleaned, LINE_FIELDS)
    if created or changes:
        line.save()
    changes.update(_set_cost_rules(line, rules))
    if created or changes:
        action = "poc.line_create" if created else "poc.line_update"
        audit.record(
            actor=actor,
            action=action,
            obj=programme,
            changes={f"{line.code}.{k}": v for k, v in changes.items()},
            message=line.name,
        )
    return line


@transaction.atomic
def funding_line_delete(*, actor, line: FundingLine) -> None:
    programme = line.programme
    require_staff(actor, programme.owner_id)
    used = FundingRequest.objects.filter(funding_line=line).exists() or (
        PlannedMilestone.objects.filter(funding_line=line).exists()
    )
    if used:
        raise ValidationError(
            {"funding_line": _("Applications already use this line: it cannot be removed.")}
        )
    name, code = line.name, line.code
    try:
        line.delete()
    except ProtectedError as exc:
        raise ValidationError(
            {"funding_line": _("Records already use this line: it cannot be removed.")}
        ) from exc
    audit.record(
        actor=actor,
        action="poc.line_delete",
        obj=programme,
        changes={"funding_line": [code, None]},
        message=name,
    )


# --- the rubric ------------------------------------------------------------------------------


def review_started(programme: Programme) -> bool:
    """Some application of the programme has gone to review (its rubric is then fixed)."""
    return ApplicationEvent.objects.filter(
        application__call__programme=programme, status_to=S.UNDER_REVIEW
    ).exists()


def weight_problem(total: Decimal) -> str:
    """The message for weights that do not total 100 %, saying by how much."""
    difference = Decimal("100") - total
    values = {"total": percent_text(total), "difference": percent_text(abs(difference))}
    if difference > 0:
        return _("The weights total %(total)s %%: add %(difference)s %% to reach 100 %%.") % values
    return _("The weights total %(total)s %%: remove %(difference)s %% to reach 100 %%.") % values


def _clean_criteria(rows, programme: Programme) -> list[dict]:
    own = {c.pk: c for c in programme.criteria.all()}
    cleaned, problems = [], []
    total = Decimal("0")
    for number, row in enumerate(rows, start=1):
        row_errors: dict = {}
        name = (row.get("name") or "").strip()
        if not name:
            row_errors["name"] = _("give the criterion's name.")
        weight = parse_percent(row.get("weight"), row_errors, "weight")
        if weight is None and "weight" not in row_errors:
            row_errors["weight"] = _("give its weight.")
        top = parse_whole(
            row.get("max_score") or 10,
            row_errors,
            "max_score",
            1,
            100,
            _("give the highest score as a whole number from 1 to 100."),
        )
        pk = row.get("id")
        if pk not in (None, "") and (not str(pk).isdigit() or int(pk) not in own):
            row_errors["id"] = _("this criterion belongs to another programme.")
        item = {
            "id": int(pk) if pk not in (None, "") and "id" not in row_errors else None,
            "name": name,
            "name_en": (row.get("name_en") or "").strip(),
            "description": (row.get("description") or "").strip(),
            "weight": weight,
            "max_score": top,
        }
        row_errors.update(length_errors(Criterion, {k: item[k] for k in ("name", "name_en")}))
        problems += [row_message(number, m) for m in row_errors.values()]
        total += weight or Decimal("0")
        cleaned.append(item)
    errors: dict = {}
    if problems:
        errors["criteria"] = problems
    if not cleaned:
        errors["weights"] = _("Give at least one criterion.")
    elif total != Decimal("100") and not problems:
        errors["weights"] = weight_problem(total)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def rubric_set(*, actor, programme: Programme, criteria: list[dict]) -> list[Criterion]:
    """Replace the programme's scoring rubric by ``criteria`` (rows with ``id`` keep their
    criterion); the weights must total 100 %. Fixed once reviewing has started."""
    require_staff(actor, programme.owner_id)
    if review_started(programme):
        raise ValidationError(
            {"criteria": _("Reviewing has started: the rubric can no longer change.")}
        )
    rows = _clean_criteria(list(criteria or []), programme)
    own = {c.pk: c for c in programme.criteria.all()}
    before = [f"{c.name}:{c.weight}" for c in own.values()]
    kept = {row["id"] for row in rows if row["id"]}
    for pk, criterion in own.items():
        if pk not in kept:
            try:
                criterion.delete()
            except ProtectedError as exc:
                raise ValidationError(
                    {"criteria": _("“%(name)s” already has scores: keep it.") % {"name": criterion}}
                ) from exc
    saved = []
    for position, row in enumerate(rows):
        criterion = own.get(row["id"]) or Criterion(programme=programme)
        for field in ("name", "name_en", "description", "weight", "max_score"):
            setattr(criterion, field, row[field])
        criterion.position = position
        criterion.save()
        saved.append(criterion)
    after = [f"{c.name}:{c.weight}" for c in saved]
    if before != after:
        audit.record(
            actor=actor,
            action="poc.rubric_update",
            obj=programme,
            changes={"criteria": [before, after]},
        )
    return saved


# --- calls -----------------------------------------------------------------------------------

CALL_FIELDS = ("name", "name_en", "opens_on", "closes_on", "review_by", "budget", "guidelines")


def _clean_call(data: dict, programme: Programme, call: Call | None) -> dict:
    cleaned = strip_fields(data, CALL_FIELDS)
    errors = length_errors(Call, cleaned)
    if call is None:
        for field in ("name", "opens_on", "closes_on", "budget"):
            cleaned.setdefault(field, "")
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Give the call's name.")
    for field in ("name_en", "guidelines"):
        if field in cleaned and cleaned[field] is None:
            cleaned[field] = ""
    for field in ("opens_on", "closes_on", "review_by"):
        if field in cleaned:
            cleaned[field] = parse_date(cleaned[field], errors, field)
    for field, message in (
        ("opens_on", _("Give the day the call opens.")),
        ("closes_on", _("Give the day the call closes.")),
    ):
        if field in cleaned and cleaned[field] is None and field not in errors:
            errors[field] = message
    if "budget" in cleaned:
        cleaned["budget"] = parse_money(cleaned["budget"], errors, "budget")
        if cleaned["budget"] is None and "budget" not in errors:
            errors["budget"] = _("Give the call's budget.")

    def value(field):
        return cleaned[field] if field in cleaned else getattr(call, field, None)

    opens, closes, review = value("opens_on"), value("closes_on"), value("review_by")
    if opens and closes and closes < opens:
        errors["closes_on"] = _("The call cannot close before it opens.")
    if closes and review and review < closes:
        errors["review_by"] = _("The review cannot finish before the call closes.")
    if programme.starts_on and opens and opens < programme.starts_on:
        errors["opens_on"] = _("The programme starts on %(day)s: the call cannot open earlier.") % {
            "day": programme.starts_on.isoformat()
        }
    if programme.ends_on and closes and closes > programme.ends_on:
        errors["closes_on"] = _("The programme ends on %(day)s: the call must close by then.") % {
            "day": programme.ends_on.isoformat()
        }
    budget = value("budget")
    if budget is not None and "budget" not in errors:
        others = programme.calls.exclude(pk=call.pk if call else None)
        used = others.aggregate(total=Sum("budget"))["total"] or Decimal("0")
        left = programme.total_budget - used
        if budget > left:
            errors["budget"] = _(
                "The programme has %(left)s left for calls (budget %(total)s, other calls "
                "%(used)s)."
            ) % {"left": yuan(left), "total": yuan(programme.total_budget), "used": yuan(used)}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def call_save(*, actor, programme: Programme, data: dict, call: Call | None = None) -> Call:
    """Create (``call=None``, as a draft) or edit a call for applications."""
    require_staff(actor, programme.owner_id)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if call is not None:
        require(call.programme_id == programme.pk)
        if call.status == CallStatus.DECIDED:
            raise ValidationError({"status": _("A decided call cannot be edited.")})
    cleaned = _clean_call(data, programme, call)
    created = call is None
    if created:
        call = Call(programme=programme)
    changes = audit.apply_changes(call, cleaned, CALL_FIELDS)
    if created or changes:
        call.save()
        audit.record(
            actor=actor,
            action="poc.call_create" if created else "poc.call_update",
            obj=call,
            changes=audit.snapshot(call, ("name", "opens_on", "closes_on", "budget"))
            if created
            else changes,
        )
    return call


def call_open_problems(call: Call) -> dict[str, str]:
    """What stops the office from opening the call (empty when it can open)."""
    programme = call.programme
    problems = {}
    if call.status not in (CallStatus.DRAFT, CallStatus.CLOSED):
        problems["status"] = _("Only a draft or closed call can be opened.")
    if not programme.is_active:
        problems["programme"] = _("The programme is not active.")
    if not programme.funding_lines.exists():
        problems["funding_lines"] = _("Add at least one funding line to the programme.")
    weights = [c.weight for c in programme.criteria.all()]
    if not weights:
        problems["criteria"] = _("Write the programme's scoring rubric.")
    elif sum(weights) != Decimal("100"):
        problems["criteria"] = weight_problem(sum(weights))
    if call.closes_on < timezone.localdate():
        problems["closes_on"] = _("The closing day has passed: move it first.")
    return problems


@transaction.atomic
def call_open(*, actor, call: Call) -> Call:
    require_staff(actor, call.programme.owner_id)
    problems = call_open_problems(call)
    if problems:
        raise ValidationError(problems)
    before = call.status
    call.status = CallStatus.OPEN
    call.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, action="poc.call_open", obj=call, changes={"status": [before, call.status]}
    )
    return call


@transaction.atomic
def call_close(*, actor, call: Call) -> Call:
    require_staff(actor, call.programme.owner_id)
    if call.status != CallStatus.OPEN:
        raise ValidationError({"status": _("Only an open call can be closed.")})
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="poc.call_close",
        obj=call,
        changes={"status": [CallStatus.OPEN, call.status]},
    )
    return call
