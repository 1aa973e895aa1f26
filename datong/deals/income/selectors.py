"""Reads of ledgers, policies, distributions and rewards, scoped to the acting user: the
institution's office staff see its records; an inventor sees their own rewards."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from datong.core.permissions import get_visible_or_404, scope_for, visible_to

from .ledger import totals, with_balance
from .models import (
    Distribution,
    DistributionStatus,
    LedgerEntry,
    Reward,
    RewardPolicy,
)

ZERO = Decimal("0.00")


def sees_income(user) -> bool:
    """Office staff somewhere (or a site administrator): the income pages."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.staff_institution_ids)


def policy_list(*, actor, institution=None) -> QuerySet[RewardPolicy]:
    qs = visible_to(actor, RewardPolicy.objects.select_related("institution"))
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs


def policy_get(*, actor, pk: int) -> RewardPolicy:
    return get_visible_or_404(actor, RewardPolicy.objects.select_related("institution"), pk=pk)


def ledger(*, actor, result, exclude_distribution=None) -> dict:
    """A result's ledger: entries with their remaining balances, and the totals (with
    ``exclude_distribution``, as if that draft had taken nothing: for editing it)."""
    entries = list(
        with_balance(
            visible_to(actor, LedgerEntry.objects.filter(result=result)).select_related(
                "filing", "contract", "payment"
            ),
            exclude_distribution=exclude_distribution,
        ).order_by("date", "pk")
    )
    return {"entries": entries, "totals": totals(entries)}


def entry_list(*, actor, q: str = "", kind: str = "", year: int | None = None) -> QuerySet:
    qs = with_balance(
        visible_to(actor, LedgerEntry.objects.select_related("result", "contract", "filing"))
    )
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(date__year=year)
    if q:
        qs = qs.filter(
            Q(result__title__icontains=q)
            | Q(result__number__icontains=q)
            | Q(description__icontains=q)
            | Q(contract__number__icontains=q)
        )
    return qs.order_by("-date", "-pk")


def distribution_list(
    *,
    actor,
    status: str = "",
    deal_type: str = "",
    year: int | None = None,
    q: str = "",
    result=None,
) -> QuerySet[Distribution]:
    qs = visible_to(
        actor, Distribution.objects.select_related("result", "contract", "policy", "institution")
    )
    if status:
        qs = qs.filter(status=status)
    if deal_type:
        qs = qs.filter(deal_type=deal_type)
    if year:
        qs = qs.filter(decided_on__year=year)
    if result is not None:
        qs = qs.filter(result=result)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(result__title__icontains=q) | Q(result__number__icontains=q)
        )
    return qs


def distribution_get(*, actor, pk: int) -> Distribution:
    return get_visible_or_404(
        actor,
        Distribution.objects.select_related(
            "result",
            "contract",
            "policy",
            "institution",
            "created_by",
            "approved_by",
            "executed_by",
        ).prefetch_related("lines__entry", "rewards"),
        pk=pk,
    )


def reward_list(*, actor, year: int | None = None, mine: bool = False) -> QuerySet[Reward]:
    """Rewards the user may see: their own, and (staff) those of their institutions."""
    qs = visible_to(
        actor, Reward.objects.select_related("distribution__result", "distribution__institution")
    )
    if mine:
        qs = qs.filter(user_id=getattr(actor, "pk", None))
    if year:
        qs = qs.filter(paid_on__year=year)
    return qs.order_by("-paid_on", "-pk")


def statement(*, actor, year: int, institution, user=None, name: str = "") -> dict:
    """One person's rewards paid by one institution in a year: every line with its taxable
    amount, tax estimate and the rule behind it; the person is a user or, for inventors
    without an account, a name. Only executed distributions count."""
    qs = visible_to(actor, Reward.objects.all()).filter(
        distribution__institution=institution,
        distribution__status=DistributionStatus.EXECUTED,
        paid_on__year=year,
    )
    person = Q(user=user) if user is not None else Q(user__isnull=True, name=name)
    qs = qs.filter(person)
    rows = list(
        qs.select_related("distribution__result", "distribution__contract").order_by(
            "paid_on", "pk"
        )
    )
    sums = qs.aggregate(amount=Sum("amount"), taxable=Sum("taxable"), tax=Sum("tax_estimate"))
    cash = sum((r.amount for r in rows if r.channel == "cash"), ZERO)
    return {
        "institution": institution,
        "year": year,
        "person": (user.get_full_name() or user.get_username()) if user is not None else name,
        "user": user,
        "rows": rows,
        "total": sums["amount"] or ZERO,
        "cash": cash,
        "credited": (sums["amount"] or ZERO) - cash,
        "taxable": sums["taxable"] or ZERO,
        "tax_estimate": sums["tax"] or ZERO,
        "equity_shares": sum((r.shares or 0 for r in rows), Decimal(0)),
    }


def statement_people(*, actor, institution, year: int) -> list[dict]:
    """Everyone who received a reward from the institution in the year (staff view)."""
    qs = visible_to(actor, Reward.objects.all()).filter(
        distribution__institution=institution,
        distribution__status=DistributionStatus.EXECUTED,
        paid_on__year=year,
    )
    people = (
        qs.values("user_id", "name")
        .annotate(amount=Sum("amount"), taxable=Sum("taxable"), tax=Sum("tax_estimate"))
        .order_by("-amount", "name")
    )
    return list(people)


# --- reads for the pages and the API (views/api call these, never a queryset of their own) ----


def staff_institutions(*, actor) -> QuerySet:
    """The institutions whose income the user manages (every one for a site administrator)."""
    from datong.institutions.models import Institution

    scope = scope_for(actor)
    qs = Institution.objects.order_by("name")
    if scope.is_superuser:
        return qs.filter(kind__in=("university", "research_institute"))
    return qs.filter(pk__in=sorted(scope.staff_institution_ids))


def staff_institution_get(*, actor, slug: str):
    """One institution whose income the user manages, or 404."""
    from django.http import Http404

    from datong.institutions.models import Institution

    institution = Institution.objects.filter(slug=slug).first()
    if institution is None or not scope_for(actor).is_staff_of(institution.pk):
        raise Http404("Not found.")
    return institution


def result_for_income(*, actor, pk: int):
    """A result whose ledger the user keeps (its institution's office staff), or 404."""
    from datong.results.models import Result

    scope = scope_for(actor)
    qs = Result.objects.select_related("institution")
    if not scope.is_superuser:
        qs = qs.filter(institution_id__in=sorted(scope.staff_institution_ids))
    return get_visible_or_404(actor, qs, pk=pk)


def result_contracts(*, actor, result) -> QuerySet:
    """The institution's contracts that cover ``result`` (``result`` already checked)."""
    from datong.deals.models import Contract

    if not scope_for(actor).is_staff_of(result.institution_id):
        return Contract.objects.none()
    return Contract.objects.filter(results=result, institution_id=result.institution_id).order_by(
        "-signed_on", "-pk"
    )


def result_filings(*, actor, result) -> QuerySet:
    from datong.ip.models import Filing

    if not scope_for(actor).is_staff_of(result.institution_id):
        return Filing.objects.none()
    return Filing.objects.filter(family__result=result).order_by("pk")


def has_rewards(user) -> bool:
    """Whether the user was ever paid a reward (one indexed query; for the menu)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Reward.objects.filter(user_id=user.pk, paid_on__isnull=False).exists()


def my_reward_years(*, actor) -> list[int]:
    """The years in which the user was paid rewards, latest first."""
    dates = Reward.objects.filter(user_id=getattr(actor, "pk", None), paid_on__isnull=False).dates(
        "paid_on", "year", order="DESC"
    )
    return [d.year for d in dates]


def distribution_history(*, actor, distribution):
    """The audit history of a distribution the user may see (``distribution_get`` checked it)."""
    from datong.core.audit import history_for

    if not scope_for(actor).is_staff_of(distribution.institution_id):
        return []
    return history_for(distribution)


def result_income(*, actor, result) -> dict:
    """What the result page shows about income (``partials/result_income.html``): the ledger's
    totals and the result's distributions, for its office's staff only."""
    if not scope_for(actor).is_staff_of(result.institution_id):
        return {"visible": False}
    book = ledger(actor=actor, result=result)
    return {
        "visible": True,
        "totals": book["totals"],
        "entry_count": len(book["entries"]),
        "distributions": list(distribution_list(actor=actor, result=result)[:20]),
    }


def statement_for(
    *, actor, institution_slug: str, year: int | None, user_id="", name: str = ""
) -> tuple[dict, bool]:
    """The statement a page or the API asks for, and whether the asker is the institution's
    staff: the user's own (no user or name given, or their own id), or, for the institution's
    staff, anyone's. Anything else is 404."""
    from django.contrib.auth import get_user_model
    from django.http import Http404

    from datong.institutions.models import Institution

    institution = Institution.objects.filter(slug=institution_slug or "").first()
    if year is None or institution is None:
        raise Http404("Not found.")
    staff = scope_for(actor).is_staff_of(institution.pk)
    user_id = str(user_id or "")
    name = (name or "").strip()
    if name and not user_id:
        if not staff:
            raise Http404("Not found.")
        return statement(actor=actor, year=year, institution=institution, name=name), staff
    if user_id and user_id != str(actor.pk):
        if not staff or not user_id.isdigit():
            raise Http404("Not found.")
        person = get_user_model().objects.filter(pk=int(user_id)).first()
        if person is None:
            raise Http404("Not found.")
    else:
        person = actor
    return statement(actor=actor, year=year, institution=institution, user=person), staff
