"""Writes to disclosures and results: the researcher's draft, the office's review and decision,
and the results registry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors
from datong.institutions.models import Department, Institution, Membership
from datong.notifications.services import notify

from . import quality
from .models import (
    Attachment,
    Classification,
    Conclusion,
    Decision,
    Disclosure,
    DisclosureComment,
    DisclosureStatus,
    Inventor,
    PatentabilityReport,
    Result,
    ResultInventor,
    ResultSource,
    ResultStatus,
    ReviewScore,
    Scheme,
)
from .reference import ip_type_codes
from .timeline import append_event

HUNDRED = Decimal("100")
DISCLOSURE_FIELDS = (
    "title",
    "title_en",
    "abstract",
    "problem",
    "advantages",
    "applications",
    "department",
    "industry",
    "sei",
    "keywords",
    "trl",
    "intended_protection",
    "funding",
    "prior_disclosures",
)
PRIOR_KINDS = ("paper", "talk", "thesis", "exhibition", "other")
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
_MAGIC = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


# --- helpers ---------------------------------------------------------------------------------


def split_keywords(value) -> list[str]:
    """Keywords from a list or from text separated by commas, semicolons or spaces (any width)."""
    if isinstance(value, str):
        parts = re.split(r"[,，;；、\s]+", value)
    else:
        parts = [str(v) for v in (value or [])]
    seen, result = set(), []
    for part in (p.strip() for p in parts):
        if part and part.lower() not in seen:
            seen.add(part.lower())
            result.append(part[:40])
    return result[:20]


def _classification(scheme: str, value) -> Classification | None:
    if value in (None, ""):
        return None
    if isinstance(value, Classification):
        if value.scheme != scheme:
            raise ValidationError(_("This value belongs to another classification."))
        return value
    item = Classification.objects.filter(scheme=scheme, code=str(value)).first()
    if item is None:
        raise ValidationError(
            _("“%(code)s” is not a code of this classification.") % {"code": value}
        )
    return item


def _clean_common(data: dict, institution: Institution) -> dict:
    """Validate the descriptive fields shared by disclosures and results."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors = length_errors(Disclosure, cleaned)
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("The title is required.")
    for field, scheme in (("industry", Scheme.INDUSTRY), ("sei", Scheme.SEI)):
        if field in cleaned:
            try:
                cleaned[field] = _classification(scheme, cleaned[field])
            except ValidationError as exc:
                errors[field] = exc.messages[0]
    if (field_value := cleaned.get("industry")) and field_value.parent_id is None:
        errors["industry"] = _("Choose an industry division (two digits), not a section.")
    if "keywords" in cleaned:
        cleaned["keywords"] = split_keywords(cleaned["keywords"])
    if cleaned.get("trl") not in (None, ""):
        try:
            trl = int(cleaned["trl"])
        except (TypeError, ValueError):
            trl = 0
        if not 1 <= trl <= 9:
            errors["trl"] = _("The readiness level is a whole number from 1 to 9.")
        cleaned["trl"] = trl
    elif "trl" in cleaned:
        cleaned["trl"] = None
    for field in ("intended_protection", "ip_types"):
        if field in cleaned:
            values = cleaned[field] or []
            if isinstance(values, str):
                values = [v for v in re.split(r"[,，;；\s]+", values) if v]
            unknown = [v for v in values if v not in ip_type_codes()]
            if unknown:
                errors[field] = _("Unknown protection type: %(codes)s.") % {
                    "codes": ", ".join(unknown)
                }
            cleaned[field] = list(dict.fromkeys(values))
    if "department" in cleaned and cleaned["department"] not in (None, ""):
        department = cleaned["department"]
        if not isinstance(department, Department):
            department = Department.objects.filter(pk=department).first()
        if department is None or department.institution_id != institution.pk:
            errors["department"] = _("Choose a department of this institution.")
        cleaned["department"] = department
    elif "department" in cleaned:
        cleaned["department"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_related(institution: Institution, value) -> list[Result]:
    """Related results of the same institution, given as numbers (text or list) or results."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[,，;；、\s]+", value) if v]
    wanted = [v.number if isinstance(v, Result) else str(v) for v in (value or [])]
    found = {r.number: r for r in Result.objects.filter(institution=institution, number__in=wanted)}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ValidationError(
            {
                "related_results": _(
                    "No result numbered %(numbers)s in this institution's registry."
                )
                % {"numbers": ", ".join(missing)}
            }
        )
    return list(dict.fromkeys(found[n] for n in wanted))


def _clean_funding(items) -> list[dict]:
    cleaned, errors = [], []
    for index, item in enumerate(items or [], start=1):
        project = str(item.get("project", "")).strip()
        number = str(item.get("number", "")).strip()
        funder = str(item.get("funder", "")).strip()
        if not (project or number or funder):
            continue
        if not project or not funder:
            errors.append(
                _("Funding line %(n)d needs the project name and the funder.") % {"n": index}
            )
        cleaned.append({"project": project[:200], "number": number[:60], "funder": funder[:120]})
    if errors:
        raise ValidationError({"funding": errors})
    return cleaned


def _clean_prior(items) -> list[dict]:
    cleaned, errors = [], []
    today = timezone.localdate()
    for index, item in enumerate(items or [], start=1):
        title = str(item.get("title", "")).strip()
        raw_date = item.get("date")
        if not title and not raw_date:
            continue
        kind = item.get("kind") or "other"
        if kind not in PRIOR_KINDS:
            errors.append(_("Disclosure %(n)d: choose a kind from the list.") % {"n": index})
        try:
            when = (
                raw_date if isinstance(raw_date, dt.date) else dt.date.fromisoformat(str(raw_date))
            )
        except ValueError:
            errors.append(_("Disclosure %(n)d: give the date as YYYY-MM-DD.") % {"n": index})
            continue
        if when > today:
            errors.append(_("Disclosure %(n)d: the date is in the future.") % {"n": index})
        if not title:
            errors.append(_("Disclosure %(n)d: give its title.") % {"n": index})
        cleaned.append(
            {
                "kind": kind,
                "title": title[:300],
                "date": when.isoformat(),
                "venue": str(item.get("venue", "")).strip()[:200],
            }
        )
    if errors:
        raise ValidationError({"prior_disclosures": errors})
    return cleaned


def months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, 28))


def prior_disclosure_warnings(disclosure: Disclosure) -> list[dict]:
    """Prior disclosures older than the novelty grace period (a warning, not an error): they may
    already have destroyed novelty."""
    from .reference import grace_period_months

    cutoff = months_before(timezone.localdate(), grace_period_months()).isoformat()
    return [item for item in disclosure.prior_disclosures if item["date"] < cutoff]


def _office_of(institution_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__institution_id=institution_id,
            memberships__role__in=[Role.TTO_STAFF, Role.TECH_MANAGER],
            is_active=True,
        ).distinct()
    )


def _inventor_users(disclosure: Disclosure) -> list[User]:
    users = [i.user for i in disclosure.inventors.select_related("user") if i.user_id]
    return [disclosure.created_by, *users]


def _disclosure_url(disclosure: Disclosure) -> str:
    return reverse("disclosure-detail", args=[disclosure.pk])


def _require_discloser(actor: User, disclosure: Disclosure) -> None:
    require(
        actor.pk == disclosure.created_by_id or actor.is_superuser,
        _("Only the researcher who started this disclosure may change it."),
    )
    if not disclosure.is_editable:
        raise ValidationError(_("A submitted disclosure cannot be changed; wait for the office."))


# --- the researcher's side -------------------------------------------------------------------


@transaction.atomic
def disclosure_create(*, actor: User, institution: Institution, title: str, **data) -> Disclosure:
    """Start a draft. Any member of the institution may disclose; they become the first inventor."""
    require(
        scope_for(actor).is_member(institution.pk),
        _("You can disclose only for an institution you belong to."),
    )
    cleaned = _clean_common({"title": title, **data}, institution)
    cleaned["funding"] = _clean_funding(cleaned.get("funding"))
    cleaned["prior_disclosures"] = _clean_prior(cleaned.get("prior_disclosures"))
    related = _clean_related(institution, data.get("related_results"))
    if "department" not in cleaned:
        membership = Membership.objects.filter(
            user=actor, institution=institution, department__isnull=False
        ).first()
        cleaned["department"] = membership.department if membership else None
    disclosure = Disclosure.objects.create(
        institution=institution,
        created_by=actor,
        **{k: v for k, v in cleaned.items() if k in DISCLOSURE_FIELDS},
    )
    if related:
        disclosure.related_results.set(related)
    Inventor.objects.create(
        disclosure=disclosure,
        user=actor,
        name=actor.get_full_name(),
        institution_name=institution.name,
        share=HUNDRED,
        is_main=True,
        confirmed_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="disclosure.create",
        obj=disclosure,
        changes=audit.snapshot(disclosure, ("title", "department")),
    )
    return disclosure


@transaction.atomic
def disclosure_update(
    *, actor: User, disclosure: Disclosure, data: dict, step: int | None = None
) -> Disclosure:
    """Save part of the draft (one step of the form)."""
    _require_discloser(actor, disclosure)
    cleaned = _clean_common(
        {k: v for k, v in data.items() if k in DISCLOSURE_FIELDS}, disclosure.institution
    )
    if "funding" in cleaned:
        cleaned["funding"] = _clean_funding(cleaned["funding"])
    if "prior_disclosures" in cleaned:
        cleaned["prior_disclosures"] = _clean_prior(cleaned["prior_disclosures"])
    related = None
    if "related_results" in data:
        related = _clean_related(disclosure.institution, data["related_results"])
    changes = audit.apply_changes(disclosure, cleaned, DISCLOSURE_FIELDS)
    if related is not None:
        before = sorted(disclosure.related_results.values_list("number", flat=True))
        after = sorted(r.number for r in related)
        if before != after:
            disclosure.related_results.set(related)
            changes["related_results"] = [before, after]
    if step is not None and step > disclosure.step:
        disclosure.step = step
    disclosure.save()
    if changes:
        audit.record(actor=actor, action="disclosure.update", obj=disclosure, changes=changes)
    return disclosure


def _share(value) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("A share is a number from 0 to 100.")) from exc
    if not Decimal("0") < share <= HUNDRED:
        raise ValidationError(_("A share is a number from 0 to 100."))
    return share


def check_shares(shares: Iterable[Decimal]) -> None:
    """Shares must total exactly 100 %; the message says by how much they miss."""
    total = sum(shares, Decimal("0"))
    if total != HUNDRED:
        difference = HUNDRED - total
        if difference > 0:
            message = _("The shares total %(total)s %%: %(missing)s %% are still to be given.")
        else:
            message = _("The shares total %(total)s %%: that is %(missing)s %% too much.")
        raise ValidationError(
            {"inventors": message % {"total": f"{total:.2f}", "missing": f"{abs(difference):.2f}"}}
        )


@transaction.atomic
def inventors_set(*, actor: User, disclosure: Disclosure, inventors: list[dict]) -> list[Inventor]:
    """Replace the inventor list. Each: ``user`` (id or User) for an internal inventor, or
    ``name`` and ``institution_name`` for an external one; ``share``; ``paid_here``; ``is_main``.
    An internal inventor whose share changed must confirm again."""
    _require_discloser(actor, disclosure)
    if not inventors:
        raise ValidationError({"inventors": _("List at least one inventor.")})
    previous = {i.user_id: i for i in disclosure.inventors.all() if i.user_id}
    rows, errors, seen_users = [], [], set()
    for index, item in enumerate(inventors, start=1):
        user = item.get("user")
        if user not in (None, "") and not isinstance(user, User):
            user = User.objects.filter(pk=user, is_active=True).first()
            if user is None:
                errors.append(_("Inventor %(n)d: no such user.") % {"n": index})
                continue
        name = (item.get("name") or (user.get_full_name() if user else "")).strip()
        if not name:
            errors.append(_("Inventor %(n)d: give the name.") % {"n": index})
            continue
        if user and user.pk in seen_users:
            errors.append(_("Inventor %(n)d is listed twice.") % {"n": index})
            continue
        if user:
            seen_users.add(user.pk)
        try:
            share = _share(item.get("share"))
        except ValidationError as exc:
            errors.append(f"{_('Inventor %(n)d') % {'n': index}}: {exc.messages[0]}")
            continue
        institution_name = (item.get("institution_name") or "").strip()
        if user and not institution_name:
            membership = user.memberships.select_related("institution").first()
            institution_name = membership.institution.name if membership else ""
        rows.append(
            Inventor(
                disclosure=disclosure,
                user=user if user else None,
                name=name[:100],
                institution_name=institution_name[:200],
                share=share,
                paid_here=bool(item.get("paid_here", user is not None)),
                is_main=bool(item.get("is_main", False)),
                position=index,
            )
        )
    if errors:
        raise ValidationError({"inventors": errors})
    check_shares(row.share for row in rows)
    for row in rows:
        old = previous.get(row.user_id)
        keep = old is not None and old.share == row.share and old.confirmed_at
        row.confirmed_at = (
            old.confirmed_at if keep else (timezone.now() if row.user_id == actor.pk else None)
        )
    before = [[i.name, str(i.share)] for i in disclosure.inventors.all()]
    disclosure.inventors.all().delete()
    Inventor.objects.bulk_create(rows)
    after = [[i.name, str(i.share)] for i in rows]
    if before != after:
        audit.record(
            actor=actor,
            action="disclosure.update",
            obj=disclosure,
            changes={"inventors": [before, after]},
        )
    to_confirm = [r.user for r in rows if r.user_id and r.confirmed_at is None]
    notify(
        users=to_confirm,
        actor=actor,
        title=_("Please confirm your share in “%(title)s”") % {"title": disclosure.title},
        body=_("%(name)s listed you as an inventor.") % {"name": actor.get_full_name()},
        url=_disclosure_url(disclosure),
    )
    return list(disclosure.inventors.all())


@transaction.atomic
def inventor_confirm(*, actor: User, inventor: Inventor) -> Inventor:
    require(inventor.user_id == actor.pk, _("Only the inventor named here can confirm this share."))
    if not inventor.disclosure.is_editable:
        raise ValidationError(_("This disclosure was already submitted."))
    if inventor.confirmed_at is None:
        inventor.confirmed_at = timezone.now()
        inventor.save(update_fields=["confirmed_at"])
        audit.record(
            actor=actor,
            action="inventor.confirm",
            obj=inventor.disclosure,
            changes={"confirmed": [None, f"{inventor.name} {inventor.share}%"]},
        )
    return inventor


@transaction.atomic
def attachment_add(*, actor: User, disclosure: Disclosure, upload) -> Attachment:
    """Attach a PDF, DOCX or image; type (by name and content) and size are checked."""
    is_staff = scope_for(actor).is_staff_of(disclosure.institution_id)
    if not is_staff:
        _require_discloser(actor, disclosure)
    name = upload.name.rsplit("/", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Attach a PDF, Word (.docx), PNG or JPEG file.")})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("A file may be at most 20 MB; this one is %(mb).1f MB.")
                % {"mb": upload.size / 1024 / 1024}
            }
        )
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_MAGIC[extension]):
        raise ValidationError({"file": _("The file's content does not match its type.")})
    attachment = Attachment(
        disclosure=disclosure,
        original_name=name[:255],
        content_type=ATTACHMENT_TYPES[extension],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{extension}", upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="disclosure.attach",
        obj=disclosure,
        changes={"attachments": [None, attachment.original_name]},
    )
    return attachment


def submission_problems(disclosure: Disclosure) -> list[str]:
    """What still stops the disclosure from being submitted (empty when it can go)."""
    problems = []
    for field, label in (
        ("title", _("title")),
        ("abstract", _("abstract")),
        ("problem", _("problem solved")),
        ("industry", _("industry")),
    ):
        if not getattr(disclosure, field):
            problems.append(_("Fill in the %(field)s.") % {"field": label})
    if disclosure.trl is None:
        problems.append(_("Choose the readiness level."))
    if not disclosure.intended_protection:
        problems.append(_("Choose the intended protection."))
    inventors = list(disclosure.inventors.all())
    try:
        check_shares(i.share for i in inventors)
    except ValidationError as exc:
        problems.extend(exc.messages)
    for inventor in inventors:
        if inventor.user_id and inventor.confirmed_at is None:
            problems.append(
                _("%(name)s has not confirmed their share yet.") % {"name": inventor.name}
            )
    return problems


@transaction.atomic
def disclosure_submit(*, actor: User, disclosure: Disclosure) -> Disclosure:
    _require_discloser(actor, disclosure)
    problems = submission_problems(disclosure)
    if problems:
        raise ValidationError(problems)
    if not disclosure.number:
        year = timezone.localdate().year
        prefix = f"D{year}-"
        last = Disclosure.objects.filter(
            institution=disclosure.institution, number__startswith=prefix
        ).aggregate(m=Max("number"))["m"]
        disclosure.number = f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"
    old = disclosure.status
    disclosure.status = DisclosureStatus.SUBMITTED
    disclosure.submitted_at = timezone.now()
    disclosure.save()
    audit.record(
        actor=actor,
        action="disclosure.submit",
        obj=disclosure,
        changes={"status": [old, disclosure.status], "number": [None, disclosure.number]},
    )
    notify(
        users=_office_of(disclosure.institution_id),
        actor=actor,
        title=_("New disclosure %(number)s: %(title)s")
        % {"number": disclosure.number, "title": disclosure.title},
        body=_("Submitted by %(name)s.") % {"name": actor.get_full_name()},
        url=_disclosure_url(disclosure),
    )
    return disclosure


# --- the office's side -----------------------------------------------------------------------


def _require_office(actor: User, disclosure: Disclosure) -> None:
    require_staff(actor, disclosure.institution_id)


@transaction.atomic
def disclosure_assign(*, actor: User, disclosure: Disclosure, manager: User) -> Disclosure:
    _require_office(actor, disclosure)
    if disclosure.status not in (DisclosureStatus.SUBMITTED, DisclosureStatus.IN_REVIEW):
        raise ValidationError(_("Only a submitted disclosure can be assigned."))
    if not scope_for(manager).has_role(
        disclosure.institution_id, Role.TECH_MANAGER, Role.TTO_STAFF
    ):
        raise ValidationError({"manager": _("Choose a technology manager of this institution.")})
    changes = {
        "manager": [str(disclosure.manager) if disclosure.manager else None, str(manager)],
        "status": [disclosure.status, DisclosureStatus.IN_REVIEW],
    }
    disclosure.manager = manager
    disclosure.status = DisclosureStatus.IN_REVIEW
    disclosure.save()
    audit.record(actor=actor, action="disclosure.assign", obj=disclosure, changes=changes)
    notify(
        users=[manager, *_inventor_users(disclosure)],
        actor=actor,
        title=_("%(number)s is in review") % {"number": disclosure.number},
        body=_("Technology manager: %(name)s.") % {"name": manager.get_full_name()},
        url=_disclosure_url(disclosure),
    )
    return disclosure


@transaction.atomic
def disclosure_comment(
    *, actor: User, disclosure: Disclosure, body: str, for_inventors: bool = True
) -> DisclosureComment:
    scope = scope_for(actor)
    is_office = scope.is_staff_of(disclosure.institution_id)
    is_inventor = (
        actor.pk == disclosure.created_by_id or disclosure.inventors.filter(user=actor).exists()
    )
    require(is_office or is_inventor)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    comment = DisclosureComment.objects.create(
        disclosure=disclosure,
        author=actor,
        body=body[:5000],
        for_inventors=for_inventors or not is_office,
    )
    audit.record(
        actor=actor,
        action="disclosure.comment",
        obj=disclosure,
        changes={"comment": [None, body[:120]]},
    )
    recipients = _inventor_users(disclosure) if comment.for_inventors else []
    if is_inventor:
        recipients = (
            [disclosure.manager] if disclosure.manager else _office_of(disclosure.institution_id)
        )
    notify(
        users=recipients,
        actor=actor,
        title=_("New comment on %(number)s") % {"number": disclosure.number or disclosure.title},
        body=body[:300],
        url=_disclosure_url(disclosure),
    )
    return comment


@transaction.atomic
def disclosure_score(*, actor: User, disclosure: Disclosure, scores: dict) -> list[ReviewScore]:
    """Score the checklist: ``{criterion_code: (score 1–5, comment)}``; rescoring replaces."""
    _require_office(actor, disclosure)
    if disclosure.status not in (DisclosureStatus.SUBMITTED, DisclosureStatus.IN_REVIEW):
        raise ValidationError(_("Only a disclosure in review can be scored."))
    criteria = {c.code: c for c in Classification.objects.filter(scheme=Scheme.REVIEW)}
    errors, saved = {}, []
    for code, value in scores.items():
        score, comment = value if isinstance(value, list | tuple) else (value, "")
        if code not in criteria:
            errors[code] = _("Unknown criterion.")
            continue
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors[code] = _("A score is a whole number from 1 to 5.")
            continue
        row, _created = ReviewScore.objects.update_or_create(
            disclosure=disclosure,
            criterion=criteria[code],
            reviewer=actor,
            defaults={"score": score, "comment": (comment or "").strip()[:2000]},
        )
        saved.append(row)
    if errors:
        raise ValidationError(errors)
    audit.record(
        actor=actor,
        action="disclosure.score",
        obj=disclosure,
        changes={r.criterion.code: [None, r.score] for r in saved},
    )
    return saved


@transaction.atomic
def disclosure_report_add(
    *,
    actor: User,
    disclosure: Disclosure,
    conclusion: str,
    summary: str,
    report_date: dt.date,
    provider_name: str = "",
    attachment: Attachment | None = None,
) -> PatentabilityReport:
    """Attach a novelty-search / patentability report: by office staff or a named provider."""
    _require_office(actor, disclosure)
    errors = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _("Choose a conclusion.")
    if not (summary or "").strip():
        errors["summary"] = _("Summarise the report's findings.")
    if report_date is None or report_date > timezone.localdate():
        errors["report_date"] = _("Give the report's date (not in the future).")
    if attachment is not None and attachment.disclosure_id != disclosure.pk:
        errors["attachment"] = _("The file belongs to another disclosure.")
    if errors:
        raise ValidationError(errors)
    report = PatentabilityReport.objects.create(
        disclosure=disclosure,
        conclusion=conclusion,
        summary=summary.strip(),
        author=None if provider_name else actor,
        provider_name=(provider_name or "").strip()[:200],
        report_date=report_date,
        attachment=attachment,
    )
    audit.record(
        actor=actor,
        action="disclosure.report",
        obj=disclosure,
        changes={"report": [None, f"{report.get_conclusion_display()} {report_date}"]},
    )
    return report


@transaction.atomic
def disclosure_return(*, actor: User, disclosure: Disclosure, message: str) -> Disclosure:
    _require_office(actor, disclosure)
    if disclosure.status not in (DisclosureStatus.SUBMITTED, DisclosureStatus.IN_REVIEW):
        raise ValidationError(_("Only a disclosure under review can be returned."))
    if not (message or "").strip():
        raise ValidationError({"message": _("Say what information is missing.")})
    old = disclosure.status
    disclosure.status = DisclosureStatus.RETURNED
    disclosure.save()
    DisclosureComment.objects.create(
        disclosure=disclosure, author=actor, body=message.strip(), for_inventors=True
    )
    audit.record(
        actor=actor,
        action="disclosure.return",
        obj=disclosure,
        changes={"status": [old, disclosure.status]},
        message=message[:255],
    )
    notify(
        users=_inventor_users(disclosure),
        actor=actor,
        title=_("%(number)s needs more information") % {"number": disclosure.number},
        body=message,
        url=_disclosure_url(disclosure),
    )
    return disclosure


def next_result_number(institution: Institution) -> str:
    year = timezone.localdate().year
    prefix = f"R{year}-"
    last = Result.objects.filter(institution=institution, number__startswith=prefix).aggregate(
        m=Max("number")
    )["m"]
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:05d}"


@transaction.atomic
def disclosure_decide(
    *,
    actor: User,
    disclosure: Disclosure,
    decision: str,
    protection_type: str = "",
    merge_into: Result | None = None,
    note: str = "",
) -> Disclosure:
    """The office's decision. Protect (needs a patentability report) and keep-as-secret create a
    result; merge attaches the disclosure to an existing result; release ends it here."""
    _require_office(actor, disclosure)
    if disclosure.status not in (DisclosureStatus.SUBMITTED, DisclosureStatus.IN_REVIEW):
        raise ValidationError(_("Only a disclosure under review can be decided."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if decision == Decision.PROTECT:
        if protection_type not in ip_type_codes() or protection_type == "technical_secret":
            raise ValidationError({"protection_type": _("Choose how to protect it.")})
        if not disclosure.reports.exists():
            raise ValidationError(
                _("Attach a patentability or novelty-search report before deciding to protect.")
            )
    if decision == Decision.MERGE:
        if merge_into is None or merge_into.institution_id != disclosure.institution_id:
            raise ValidationError({"merge_into": _("Choose a result of this institution.")})
        if merge_into.status == ResultStatus.MERGED:
            raise ValidationError(
                {
                    "merge_into": _(
                        "That result was itself merged; choose the one it was merged into."
                    )
                }
            )
    now = timezone.now()
    result = None
    if decision in (Decision.PROTECT, Decision.KEEP_SECRET):
        result = _result_from_disclosure(actor, disclosure, decision, protection_type, now)
    elif decision == Decision.MERGE:
        result = merge_into
        append_event(
            result=result,
            kind="disclosure.merged",
            actor=actor,
            at=now,
            obj=disclosure,
            summary=f"{disclosure.number} {disclosure.title}",
        )
    old = disclosure.status
    disclosure.status = DisclosureStatus.DECIDED
    disclosure.decision = decision
    disclosure.protection_type = protection_type if decision == Decision.PROTECT else ""
    disclosure.decision_note = (note or "").strip()
    disclosure.decided_at = now
    disclosure.result = result
    disclosure.save()
    audit.record(
        actor=actor,
        action="disclosure.decide",
        obj=disclosure,
        changes={
            "status": [old, disclosure.status],
            "decision": [None, decision],
            "result": [None, str(result) if result else None],
        },
    )
    notify(
        users=_inventor_users(disclosure),
        actor=actor,
        title=_("Decision on %(number)s: %(decision)s")
        % {"number": disclosure.number, "decision": disclosure.get_decision_display()},
        body=disclosure.decision_note,
        url=_disclosure_url(disclosure),
    )
    return disclosure


def _result_from_disclosure(actor, disclosure, decision, protection_type, now) -> Result:
    result = Result.objects.create(
        institution=disclosure.institution,
        department=disclosure.department,
        number=next_result_number(disclosure.institution),
        title=disclosure.title,
        title_en=disclosure.title_en,
        abstract=disclosure.abstract,
        industry=disclosure.industry,
        sei=disclosure.sei,
        keywords=disclosure.keywords,
        trl=disclosure.trl,
        ip_types=[protection_type] if decision == Decision.PROTECT else ["technical_secret"],
        status=ResultStatus.PROTECTING if decision == Decision.PROTECT else ResultStatus.SECRET,
        source=ResultSource.DISCLOSURE,
        created_by=actor,
    )
    ResultInventor.objects.bulk_create(
        [
            ResultInventor(
                result=result,
                user=i.user,
                name=i.name,
                institution_name=i.institution_name,
                share=i.share,
                paid_here=i.paid_here,
                is_main=i.is_main,
                position=i.position,
            )
            for i in disclosure.inventors.all()
        ]
    )
    quality.refresh(result)
    if disclosure.submitted_at:
        append_event(
            result=result,
            kind="disclosure.submitted",
            actor=disclosure.created_by,
            at=disclosure.submitted_at,
            obj=disclosure,
            summary=f"{disclosure.number} {disclosure.title}",
        )
    for report in disclosure.reports.all():
        append_event(
            result=result,
            kind="disclosure.report",
            actor=report.author,
            at=report.created_at,
            obj=report,
            summary=f"{report.get_conclusion_display()} ({report.report_date:%Y-%m-%d})",
        )
    append_event(
        result=result,
        kind="result.created",
        actor=actor,
        at=now,
        obj=result,
        summary=str(Decision(decision).label),
        data={"decision": decision},
    )
    audit.record(
        actor=actor,
        action="result.create",
        obj=result,
        changes=audit.snapshot(result, ("number", "title", "status")),
    )
    return result


# --- the registry ----------------------------------------------------------------------------

RESULT_FIELDS = (
    "title",
    "title_en",
    "abstract",
    "department",
    "industry",
    "sei",
    "keywords",
    "trl",
    "ip_types",
)


@transaction.atomic
def result_update(*, actor: User, result: Result, data: dict) -> Result:
    require_staff(actor, result.institution_id)
    if result.status == ResultStatus.MERGED:
        raise ValidationError(
            _("A merged result is kept as it was; edit the one it was merged into.")
        )
    cleaned = _clean_common(
        {k: v for k, v in data.items() if k in RESULT_FIELDS}, result.institution
    )
    changes = audit.apply_changes(result, cleaned, RESULT_FIELDS)
    if changes:
        quality.refresh(result, save=False)
        result.save()
        audit.record(actor=actor, action="result.update", obj=result, changes=changes)
        append_event(
            result=result,
            kind="result.updated",
            actor=actor,
            obj=result,
            summary=", ".join(sorted(changes)),
        )
    return result


@transaction.atomic
def result_merge(*, actor: User, source: Result, target: Result) -> Result:
    """Merge a duplicate into the result that stays. Both keep their histories: the source is
    marked merged (its timeline and inventors stay with it) and each timeline records the merge."""
    require_staff(actor, source.institution_id)
    if source.pk == target.pk:
        raise ValidationError(_("A result cannot be merged into itself."))
    if source.institution_id != target.institution_id:
        raise ValidationError(_("Only results of the same institution can be merged."))
    if ResultStatus.MERGED in (source.status, target.status):
        raise ValidationError(_("One of these results was already merged."))
    now = timezone.now()
    old = source.status
    source.status = ResultStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    Disclosure.objects.filter(result=source).update(result=target)
    append_event(
        result=source,
        kind="result.merged_into",
        actor=actor,
        at=now,
        obj=target,
        summary=str(target),
    )
    append_event(
        result=target,
        kind="result.merged_from",
        actor=actor,
        at=now,
        obj=source,
        summary=str(source),
    )
    audit.record(
        actor=actor,
        action="result.merge",
        obj=source,
        changes={"status": [old, source.status], "merged_into": [None, str(target)]},
    )
    return target
