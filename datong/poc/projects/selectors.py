"""Scoped reads of funded projects and verification resources.

A project is seen by its team (the applicant and the team members), its mentor, the applicant
institution's office and the programme owner's office; anyone else gets 404. Verification
resources are seen by every signed-in user when public, by the listing office otherwise.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from datong.core.permissions import scope_for, visible_to
from datong.ip.models import IPFamily
from datong.poc.models import Application, ApplicationStatus

from .models import (
    OWNER_RULE,
    CoachingSession,
    Expense,
    GateReview,
    Milestone,
    Project,
    ResourceBooking,
    SpendingReport,
    Tranche,
    VerificationResource,
)


def _search(qs: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    for term in (q or "").split():
        condition = Q(pk__in=[])
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
        qs = qs.filter(condition)
    return qs


def visible_projects(actor) -> QuerySet[Project]:
    scope = scope_for(actor)
    qs = Project.objects.select_related("programme", "institution", "application", "mentor")
    if scope.is_superuser:
        return qs
    if scope.user_id is None:
        return qs.none()
    condition = Project.scope_rule.condition(scope) | OWNER_RULE.condition(scope)
    return qs.filter(pk__in=Project.objects.filter(condition).values("pk"))


def project_list(
    *, actor, q: str = "", state: str = "", programme: str = "", stage: str = ""
) -> QuerySet[Project]:
    qs = visible_projects(actor)
    qs = _search(qs, q, ("title", "number", "institution__name", "programme__name"))
    if state:
        qs = qs.filter(state=state)
    if programme:
        qs = qs.filter(programme__code=programme)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("-starts_on", "-pk")


def project_get(*, actor, pk) -> Project:
    try:
        return visible_projects(actor).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def project_programmes(*, actor):
    """The programmes of the projects the actor sees, for the list filter."""
    from datong.poc.models import Programme

    return Programme.objects.filter(projects__in=visible_projects(actor)).distinct()


def startable_applications(*, actor) -> QuerySet[Application]:
    """Awarded applications without a project, of programmes run by the actor's offices."""
    scope = scope_for(actor)
    qs = Application.objects.filter(status=ApplicationStatus.AWARDED, project__isnull=True)
    if not scope.is_superuser:
        qs = qs.filter(call__programme__owner_id__in=sorted(scope.staff_institution_ids))
    return qs.select_related("call__programme", "institution").order_by("-decided_at", "-pk")


def startable_application_get(*, actor, pk) -> Application:
    try:
        return startable_applications(actor=actor).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


# --- the parts of one project (the caller got the project through project_get) ---------------


def project_milestones(project: Project) -> QuerySet[Milestone]:
    return project.milestones.select_related("funding_line", "release").prefetch_related(
        "reports__reported_by", "reports__decided_by"
    )


def project_tranches(project: Project) -> QuerySet[Tranche]:
    return Tranche.objects.filter(project=project).select_related("funding_line", "milestone")


def project_expenses(project: Project, status: str = "") -> QuerySet[Expense]:
    qs = project.expenses.select_related("funding_line", "recorded_by", "rejected_by")
    return qs.filter(status=status) if status else qs


def project_reports(project: Project) -> QuerySet[SpendingReport]:
    return project.reports.select_related("submitted_by", "decided_by")


def project_gates(project: Project) -> QuerySet[GateReview]:
    return project.gates.select_related("decided_by")


def project_coaching(project: Project) -> QuerySet[CoachingSession]:
    return project.coaching.select_related("mentor", "recorded_by")


def project_bookings(project: Project) -> QuerySet[ResourceBooking]:
    return project.bookings.select_related("resource__institution", "need", "booked_by")


def project_needs(project: Project):
    return project.application.verification_needs.all()


def project_need_get(project: Project, pk):
    try:
        return project_needs(project).get(pk=pk)
    except (project.application.verification_needs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def offered_ip_families(project: Project) -> QuerySet[IPFamily]:
    """IP records the outcome may link: the applicant institution's families with a filing dated
    within the project's period (start to close, or to the planned end while it runs)."""
    end = project.closed_on or project.ends_on
    return (
        IPFamily.objects.filter(
            institution_id=project.institution_id,
            filings__filing_date__gte=project.starts_on,
            filings__filing_date__lte=end,
        )
        .distinct()
        .order_by("-created_at", "-pk")
    )


# --- verification resources ------------------------------------------------------------------

RESOURCE_SEARCH_FIELDS = (
    "name",
    "capabilities",
    "price_terms",
    "booking_terms",
    "certifications",
    "institution__name",
    "institution__name_en",
    "city",
)


def visible_resources(actor) -> QuerySet[VerificationResource]:
    qs = VerificationResource.objects.select_related("institution", "listed_by")
    return visible_to(actor, qs)


def resource_list(
    *, actor, q: str = "", kind: str = "", region: str = "", institution: str = ""
) -> QuerySet[VerificationResource]:
    qs = _search(visible_resources(actor), q, RESOURCE_SEARCH_FIELDS)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region=region)
    if institution:
        qs = qs.filter(institution__slug=institution)
    return qs.order_by("-is_public", "name", "pk")


def resource_get(*, actor, pk) -> VerificationResource:
    try:
        return visible_resources(actor).get(pk=pk)
    except (VerificationResource.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def resource_bookings(*, actor, resource: VerificationResource) -> QuerySet[ResourceBooking]:
    """The resource's bookings by projects the actor sees."""
    return resource.bookings.filter(project__in=visible_projects(actor)).select_related("project")


def sees_projects(user) -> bool:
    """For the menu: office staff, and anyone with a project they may see."""
    from datong.core.permissions import works_in_an_office

    if works_in_an_office(user):
        return True
    return scope_for(user).user_id is not None and visible_projects(user).exists()
