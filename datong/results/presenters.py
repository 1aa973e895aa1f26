"""Read-only helpers for the disclosure and results pages: choice lists, summaries and the
data-quality workbook. They only read, through the selectors, and never write."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datong.core.permissions import scope_for, visible_to
from datong.core.roles import Role
from datong.institutions import selectors as institution_selectors

from . import quality, selectors
from .models import Disclosure, DisclosureStatus, ResultStatus, Scheme
from .timeline import kind_label, register_kinds


def register_timeline_kinds() -> None:
    """Name the timeline kinds this app writes (idempotent)."""
    register_kinds(
        {
            "disclosure.submitted": gettext_lazy("Disclosure submitted"),
            "disclosure.report": gettext_lazy("Patentability report"),
            "disclosure.merged": gettext_lazy("Disclosure merged in"),
            "result.created": gettext_lazy("Result registered"),
            "result.updated": gettext_lazy("Result edited"),
            "result.merged_into": gettext_lazy("Merged into another result"),
            "result.merged_from": gettext_lazy("Another result merged in"),
            "result.imported": gettext_lazy("Imported"),
            "protection.planned": gettext_lazy("Protection planned"),
        }
    )


register_timeline_kinds()

PRIOR_KIND_LABELS = {
    "paper": gettext_lazy("Paper"),
    "talk": gettext_lazy("Talk or conference presentation"),
    "thesis": gettext_lazy("Thesis"),
    "exhibition": gettext_lazy("Exhibition"),
    "other": gettext_lazy("Other"),
}

#: The progress line of a disclosure (``returned`` sits on the review stage).
DISCLOSURE_STAGES = [
    (DisclosureStatus.DRAFT, gettext_lazy("Draft")),
    (DisclosureStatus.SUBMITTED, gettext_lazy("Submitted")),
    (DisclosureStatus.IN_REVIEW, gettext_lazy("In review")),
    (DisclosureStatus.DECIDED, gettext_lazy("Decided")),
]

FORM_STEPS = [
    (1, gettext_lazy("Basics")),
    (2, gettext_lazy("Classification")),
    (3, gettext_lazy("Funding and prior disclosures")),
    (4, gettext_lazy("Inventors")),
    (5, gettext_lazy("Attachments and submission")),
]


def disclosure_progress(disclosure) -> list[dict]:
    """Each stage with its state: ``done``, ``current`` or ``todo``."""
    status = disclosure.status
    if status == DisclosureStatus.RETURNED:
        status = DisclosureStatus.IN_REVIEW
    order = [value for value, _label in DISCLOSURE_STAGES]
    position = order.index(status)
    stages = []
    for index, (value, label) in enumerate(DISCLOSURE_STAGES):
        if index < position or (index == position and value == DisclosureStatus.DECIDED):
            state = "done"
        elif index == position:
            state = "current"
        else:
            state = "todo"
        stages.append({"value": value, "label": label, "state": state})
    return stages


def form_steps(current: int, saved: int) -> list[dict]:
    return [
        {
            "number": number,
            "label": label,
            "state": "current" if number == current else ("done" if number <= saved else "todo"),
        }
        for number, label in FORM_STEPS
    ]


# --- choice lists ----------------------------------------------------------------------------


def member_institutions(actor):
    """The institutions the user belongs to (every institution for a superuser)."""
    visible = institution_selectors.institution_list(actor=actor)
    if actor.is_superuser:
        return visible
    return visible.filter(pk__in=sorted(scope_for(actor).institution_ids))


def staff_institutions(actor):
    """The institutions whose transfer office the user works in (all for a superuser)."""
    visible = institution_selectors.institution_list(actor=actor)
    if actor.is_superuser:
        return visible
    return visible.filter(pk__in=sorted(scope_for(actor).staff_institution_ids))


def is_office(actor) -> bool:
    scope = scope_for(actor)
    return scope.is_superuser or bool(scope.staff_institution_ids)


def _person_label(user, department=None) -> str:
    label = user.get_full_name() or user.get_username()
    if department is not None:
        label = f"{label} · {department.display_name}"
    return label


def people_choices(actor, institution, extra_users=()) -> list[tuple[str, str]]:
    """The people of the institution (one entry each), plus any users already listed."""
    seen: dict[int, str] = {}
    for membership in institution_selectors.member_list(actor=actor, institution=institution):
        if membership.user.is_active and membership.user_id not in seen:
            seen[membership.user_id] = _person_label(membership.user, membership.department)
    for user in extra_users:
        if user is not None and user.pk not in seen:
            seen[user.pk] = _person_label(user)
    return sorted(((str(pk), label) for pk, label in seen.items()), key=lambda c: c[1])


def manager_choices(actor, institution) -> list[tuple[str, str]]:
    """Technology managers and transfer-office staff of the institution."""
    memberships = institution_selectors.member_list(actor=actor, institution=institution).filter(
        role__in=[Role.TECH_MANAGER, Role.TTO_STAFF], user__is_active=True
    )
    seen: dict[int, str] = {}
    for membership in memberships:
        label = f"{_person_label(membership.user)} · {membership.get_role_display()}"
        seen.setdefault(membership.user_id, label)
    return sorted(((str(pk), label) for pk, label in seen.items()), key=lambda c: c[1])


def department_choices(actor, institution) -> list[tuple[str, str]]:
    departments = institution_selectors.department_list(actor=actor, institution=institution)
    return [(str(d.pk), d.display_name) for d in departments]


def industry_choices(blank: str = "—", sections_selectable: bool = False) -> list:
    """Divisions grouped by their section (``<optgroup>``); a filter may pick a whole section."""
    groups: dict[int, tuple] = {}
    for division in selectors.industry_divisions().order_by("position"):
        section = division.parent
        if section.pk not in groups:
            options = []
            if sections_selectable:
                options.append((section.code, _("All of %(section)s") % {"section": section.code}))
            groups[section.pk] = (f"{section.code} {section.display_name}", options)
        groups[section.pk][1].append((division.code, f"{division.code} {division.display_name}"))
    return [("", blank), *groups.values()]


def sei_choices(blank: str = "—") -> list[tuple[str, str]]:
    return [("", blank)] + [
        (c.code, f"{c.code} {c.display_name}") for c in selectors.classifications(Scheme.SEI)
    ]


def trl_choices(blank: str = "—") -> list[tuple[str, str]]:
    return [("", blank)] + [
        (c.code, f"TRL {c.code} · {c.display_name}") for c in selectors.classifications(Scheme.TRL)
    ]


def ip_choices(include_secret: bool = True) -> list[tuple[str, str]]:
    return [
        (c.code, c.display_name)
        for c in selectors.classifications(Scheme.IP)
        if include_secret or c.code != "technical_secret"
    ]


def ip_labels() -> dict[str, str]:
    return dict(ip_choices())


def trl_labels() -> dict[int, str]:
    return {int(c.code): c.display_name for c in selectors.classifications(Scheme.TRL)}


def describe_ip(codes, labels: dict[str, str] | None = None) -> str:
    labels = labels if labels is not None else ip_labels()
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


def review_criteria() -> list:
    return list(selectors.classifications(Scheme.REVIEW))


def review_summary(disclosure, criteria=None) -> dict:
    """Scores by criterion (every reviewer), their averages and the weighted total (1–5)."""
    criteria = criteria if criteria is not None else review_criteria()
    scores = list(disclosure.scores.select_related("reviewer", "criterion"))
    rows, weighted, weights = [], Decimal("0"), Decimal("0")
    for criterion in criteria:
        own = [s for s in scores if s.criterion_id == criterion.pk]
        weight = Decimal(str(criterion.extra.get("weight", 0) or 0))
        average = (
            (Decimal(sum(s.score for s in own)) / len(own)).quantize(Decimal("0.1"))
            if own
            else None
        )
        if average is not None and weight:
            weighted += average * weight
            weights += weight
        rows.append({"criterion": criterion, "weight": weight, "scores": own, "average": average})
    total = (weighted / weights).quantize(Decimal("0.01")) if weights else None
    return {
        "rows": rows,
        "total": total,
        "percent": int(total * 20) if total is not None else None,
        "count": len(scores),
        "complete": all(r["average"] is not None for r in rows),
    }


def my_scores(disclosure, actor) -> dict[str, tuple[int, str]]:
    return {
        s.criterion.code: (s.score, s.comment)
        for s in disclosure.scores.filter(reviewer=actor).select_related("criterion")
    }


def merge_candidates(actor, result, limit: int = 20) -> list:
    """Results of the same institution that look like this one, most similar first."""
    rows = (
        selectors.result_list(actor=actor, institution=result.institution.slug)
        .exclude(status=ResultStatus.MERGED)
        .exclude(pk=result.pk)
        .values("id", "number", "title", "abstract", "keywords")
    )
    return quality.SimilarityIndex(list(rows)).query(
        result.title, result.abstract, result.keywords, limit=limit
    )


def institution_results(actor, institution):
    """The institution's results that can still receive a merge (not merged themselves)."""
    return selectors.result_list(actor=actor, institution=institution.slug, sort="number").exclude(
        status=ResultStatus.MERGED
    )


def timeline_entries(events, actor) -> list[dict]:
    """Timeline events with their label and, where the user may open it, a link to their
    object (a disclosure only for those who may see it: the office and its inventors)."""
    events = list(events)
    models = {
        e.pk: ContentType.objects.get_for_id(e.content_type_id).model if e.content_type_id else ""
        for e in events
    }
    disclosure_ids = {
        int(e.object_id) for e in events if models[e.pk] == "disclosure" and e.object_id.isdigit()
    }
    openable = set(
        visible_to(actor, Disclosure.objects.filter(pk__in=disclosure_ids)).values_list(
            "pk", flat=True
        )
    )
    entries = []
    for event in events:
        url = ""
        model = models[event.pk]
        if event.object_id.isdigit():
            object_id = int(event.object_id)
            if model == "disclosure" and object_id in openable:
                url = reverse("disclosure-detail", args=[object_id])
            elif model == "result" and object_id != event.result_id:
                url = reverse("result-detail", args=[object_id])
        entries.append(
            {
                "event": event,
                "label": kind_label(event.kind),
                "url": url,
                "css": event.kind.replace(".", "-").replace("_", "-"),
            }
        )
    return entries


def visible_disclosures(actor, result):
    """The disclosures behind a result that the user may open (the office, the inventors)."""
    return visible_to(actor, result.disclosures.all()).order_by("submitted_at", "pk")


def completeness_band(value: int) -> str:
    if value < 40:
        return "low"
    if value < 60:
        return "mid"
    if value < 80:
        return "fair"
    return "high"


# --- the data-quality workbook ---------------------------------------------------------------


def quality_workbook(report: dict) -> HttpResponse:
    """The data-quality report as an Excel workbook, one sheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from datong.core.exports import XLSX

    workbook = Workbook()
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")

    def sheet(title: str, headers: list, rows: list, first: bool = False):
        ws = workbook.active if first else workbook.create_sheet()
        ws.title = str(title)[:31]
        ws.append([str(h) for h in headers])
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
        widths = [len(str(h)) * 2 + 2 for h in headers]
        for row in rows:
            values = ["" if v is None else v for v in row]
            ws.append(values)
            for i, value in enumerate(values):
                widths[i] = min(60, max(widths[i], len(str(value)) * 2 + 2))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        return ws

    institution = report["institution"]
    summary = [
        (_("Institution"), institution.display_name),
        (_("Results"), report["total"]),
        (_("Average completeness (%)"), report["average"]),
    ]
    summary += [
        (_("Completeness %(band)s %%") % {"band": band}, n) for band, n in report["distribution"]
    ]
    summary += [(str(label), n) for label, n in report["by_status"]]
    sheet(_("Summary"), [_("Figure"), _("Value")], summary, first=True)
    sheet(
        _("Below 60 %"),
        [_("Number"), _("Title"), _("Completeness (%)"), _("Missing")],
        [
            (r.number, r.title, r.completeness, "、".join(missing))
            for r, missing in report["incomplete"]
        ],
    )
    sheet(
        _("Suspected duplicates"),
        [_("Number"), _("Title"), _("Number"), _("Title"), _("Similarity (%)")],
        [
            (a["number"], a["title"], b["number"], b["title"], round(score * 100))
            for a, b, score in report["duplicates"]
        ],
    )
    sheet(
        _("Inventor names"),
        [_("Spellings that are probably one person")],
        [("; ".join(group),) for group in report["name_groups"]],
    )
    sheet(
        _("Stale drafts"),
        [_("Title"), _("Discloser"), _("Last saved")],
        [
            (
                d.title,
                d.created_by.get_full_name(),
                timezone.localtime(d.updated_at).strftime("%Y-%m-%d"),
            )
            for d in report["stale_drafts"]
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stem = f"data-quality-{institution.slug}-{timezone.localdate():%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
