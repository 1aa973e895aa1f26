"""Scoped reads of programmes, calls and applications.

Programmes and their calls (once opened) are public to signed-in users. An application is seen by
its applicant, the team members with an account, the applicant institution's transfer office and
the programme owner's transfer office; anyone else gets 404. Reviewers read applications through
``datong.poc.review``'s own selector.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from datong.core.permissions import ScopeRule, get_visible_or_404, scope_for, visible_to
from datong.results.models import Classification, Result, ResultStatus, Scheme

from .models import (
    Application,
    ApplicationStatus,
    Call,
    CallStatus,
    FundingRequest,
    Objection,
    Programme,
)

S = ApplicationStatus
#: The programme owner's office sees every application to its programmes.
OWNER_OFFICE = ScopeRule(institution="call__programme__owner", staff_only=True)
#: Statuses an application has once the applicant has handed it in.
HANDED_IN = [s for s in S.values if s not in (S.DRAFT,)]
SEARCH_FIELDS = (
    "title",
    "number",
    "summary",
    "applicant__name",
    "result__title",
    "result__number",
    "institution__name",
)


def _not_found():
    return Http404(_("Not found."))


# --- programmes and calls --------------------------------------------------------------------


def is_programme_office(user, programme: Programme) -> bool:
    return scope_for(user).is_staff_of(programme.owner_id)


def managed_programmes(*, actor) -> QuerySet[Programme]:
    """The programmes the actor's offices run (all of them for a site administrator)."""
    scope = scope_for(actor)
    qs = Programme.objects.select_related("owner", "alliance")
    if scope.is_superuser:
        return qs
    return qs.filter(owner_id__in=sorted(scope.staff_institution_ids))


def can_create_programme(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.staff_institution_ids)


def _calls_for(actor) -> Prefetch:
    return Prefetch(
        "calls",
        queryset=visible_to(actor, Call.objects.all()).order_by("-opens_on", "-pk"),
        to_attr="visible_calls",
    )


def programme_list(*, actor, include_inactive: bool = False) -> QuerySet[Programme]:
    """Active programmes for every signed-in user (and, with ``include_inactive``, the inactive
    ones the actor's institution runs), with their visible calls and funding lines."""
    qs = visible_to(actor, Programme.objects.select_related("owner", "alliance"))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    called = Sum("calls__budget", filter=~Q(calls__status=CallStatus.DRAFT))
    return (
        qs.annotate(call_budget=called)
        .prefetch_related(_calls_for(actor), "funding_lines")
        .order_by("-is_active", "-created_at", "-pk")
    )


def programme_get(*, actor, code: str) -> Programme:
    qs = Programme.objects.select_related("owner", "alliance", "created_by").prefetch_related(
        _calls_for(actor),
        "funding_lines__cost_rules",
        "criteria",
        "eligible_institutions",
    )
    return get_visible_or_404(actor, qs, code=code)


def programme_figures(programme: Programme) -> dict:
    """Budget split and application counts of a programme, for its office."""
    calls = programme.calls.aggregate(total=Sum("budget"))["total"] or Decimal("0")
    applications = Application.objects.filter(call__programme=programme)
    counts = dict(
        applications.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    requested = FundingRequest.objects.filter(
        application__call__programme=programme, application__status__in=HANDED_IN
    ).aggregate(total=Sum("amount"))["total"]
    return {
        "call_budget": calls,
        "unallocated": programme.total_budget - calls,
        "counts": counts,
        "handed_in": sum(n for status, n in counts.items() if status != S.DRAFT),
        "awarded": counts.get(S.AWARDED, 0),
        "requested": requested or Decimal("0"),
    }


def call_get(*, actor, pk) -> Call:
    """A call once opened for every signed-in user; a draft only for its institution."""
    qs = Call.objects.select_related("programme__owner", "programme__alliance")
    return get_visible_or_404(actor, qs, pk=pk)


def call_figures(call: Call) -> dict:
    applications = call.applications.exclude(status=S.DRAFT)
    counts = dict(
        applications.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    requested = FundingRequest.objects.filter(
        application__call=call, application__status__in=HANDED_IN
    ).aggregate(total=Sum("amount"))["total"]
    return {
        "counts": counts,
        "handed_in": sum(counts.values()),
        "requested": requested or Decimal("0"),
    }


# --- applications ----------------------------------------------------------------------------


def _visible_applications(actor, qs: QuerySet[Application]) -> QuerySet[Application]:
    own_side = visible_to(actor, qs)
    if scope_for(actor).is_superuser:
        return own_side
    # The owner's office sees what was handed in, not another institution's drafts.
    owner_side = visible_to(actor, qs.filter(submitted_at__isnull=False), OWNER_OFFICE)
    return qs.filter(Q(pk__in=own_side.values("pk")) | Q(pk__in=owner_side.values("pk")))


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "call__programme__owner", "result", "institution", "applicant", "department"
    )


def _search(qs: QuerySet, q: str) -> QuerySet:
    for term in (q or "").split():
        condition = Q(pk__in=[])
        for name in SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": term})
        qs = qs.filter(condition)
    return qs


def application_list(
    *,
    actor,
    call: Call | int | None = None,
    programme: str = "",
    status: str = "",
    stage: str = "",
    funding_line: str = "",
    q: str = "",
) -> QuerySet[Application]:
    """The applications the actor may see, filtered."""
    qs = _visible_applications(actor, _applications())
    if call:
        qs = qs.filter(call=call)
    if programme:
        qs = qs.filter(call__programme__code=programme)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if funding_line:
        line = Q(requests__funding_line__code=funding_line)
        if str(funding_line).isdigit():
            line |= Q(requests__funding_line_id=int(funding_line))
        qs = qs.filter(pk__in=Application.objects.filter(line).values("pk"))
    qs = _search(qs, q)
    return qs.annotate(total_requested=Sum("requests__amount")).order_by("-created_at", "-pk")


def call_applications(*, actor, call: Call, **filters) -> QuerySet[Application]:
    """The handed-in applications of a call, for the programme owner's office (404 otherwise)."""
    if not scope_for(actor).is_staff_of(call.programme.owner_id):
        raise _not_found()
    return application_list(actor=actor, call=call, **filters).exclude(status=S.DRAFT)


def my_applications(*, actor, status: str = "") -> QuerySet[Application]:
    """The actor's own applications and those whose team they belong to."""
    scope = scope_for(actor)
    if scope.user_id is None:
        return Application.objects.none()
    mine = Q(applicant_id=scope.user_id) | Q(
        pk__in=Application.objects.filter(team__user_id=scope.user_id).values("pk")
    )
    qs = _applications().filter(mine)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(total_requested=Sum("requests__amount")).order_by("-updated_at", "-pk")


def application_get(*, actor, pk) -> Application:
    qs = _applications().prefetch_related(
        "requests__funding_line",
        "planned_milestones__funding_line",
        "verification_needs",
        "team__user",
    )
    try:
        return _visible_applications(actor, qs).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def application_timeline(*, application: Application) -> QuerySet:
    """The steps of an application already read through :func:`application_get`."""
    return application.events.select_related("actor").order_by("at", "pk")


def application_objections(*, application: Application) -> QuerySet[Objection]:
    return application.objections.order_by("received_on", "pk")


def objection_get(*, actor, pk) -> Objection:
    """An objection, through the application it concerns (404 when that is hidden)."""
    try:
        objection = Objection.objects.get(pk=pk)
    except (Objection.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc
    objection.application = application_get(actor=actor, pk=objection.application_id)
    return objection


def is_owner_office(user, application: Application) -> bool:
    return scope_for(user).is_staff_of(application.call.programme.owner_id)


def submitted_waiting_count(*, actor) -> int:
    """Applications waiting for the admission check in the programmes the actor's office runs."""
    return Application.objects.filter(
        call__programme__in=managed_programmes(actor=actor), status=S.SUBMITTED
    ).count()


# --- results one may apply with --------------------------------------------------------------


def applicable_results(*, actor) -> QuerySet[Result]:
    """Results the actor may propose: those they are an inventor of, and their office's."""
    scope = scope_for(actor)
    qs = Result.objects.exclude(status=ResultStatus.MERGED).select_related(
        "institution", "industry"
    )
    if scope.is_superuser:
        return qs.order_by("-created_at", "-pk")
    if scope.user_id is None:
        return qs.none()
    own = Q(pk__in=Result.objects.filter(inventors__user_id=scope.user_id).values("pk"))
    office = Q(institution_id__in=sorted(scope.staff_institution_ids))
    return qs.filter(own | office).order_by("-created_at", "-pk")


def applicable_result_get(*, actor, pk) -> Result:
    try:
        return applicable_results(actor=actor).get(pk=pk)
    except (Result.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def result_visible(*, actor, result: Result) -> bool:
    """Whether the actor may open the result's own page (to link it)."""
    return visible_to(actor, Result.objects.filter(pk=result.pk)).exists()


def industry_labels(codes: list[str]) -> list[str]:
    """“C 制造业”, “38 电气机械和器材制造业”… for the codes of a programme, in their order."""
    found = {
        c.code: str(c)
        for c in Classification.objects.filter(scheme=Scheme.INDUSTRY, code__in=codes)
    }
    return [found.get(code, code) for code in codes]
