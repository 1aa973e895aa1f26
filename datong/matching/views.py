"""Pages of search and matching: the marketplace search, a demand's and a listing's matches,
the judgement buttons, and the judgements with their export as an evaluation set."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.pagination import paginate
from datong.core.permissions import require, works_in_an_office
from datong.institutions.models import Institution, InstitutionKind
from datong.institutions.regions import province_choices
from datong.market.models import EngagementMode
from datong.market.services import can_post_demand

from . import ranking, search, selectors, services
from .models import SourceKind, TargetKind

TECH_TABS = {"technologies": TargetKind.LISTING, "experts": TargetKind.EXPERT}
LISTING_TABS = {"demands": TargetKind.DEMAND, "enterprises": TargetKind.ENTERPRISE}


def _industry_choices():
    from datong.results.models import Classification, Scheme

    return Classification.objects.filter(scheme=Scheme.INDUSTRY, parent__parent__isnull=True)


def _ip_type_choices():
    from datong.results.models import Classification, Scheme

    return Classification.objects.filter(scheme=Scheme.IP)


def search_page(request):
    params = search.Params.from_query(request.GET)
    if params.tab == "demands" and not request.user.is_authenticated:
        params.tab = "listings"
    rows, indexed = search.search(params, request.user)
    page = paginate(request, rows)
    if not isinstance(rows, list):
        page.object_list = [search.Row(obj) for obj in page.object_list]
    return render(
        request,
        "matching/search.html",
        {
            "params": params,
            "page": page,
            "indexed": indexed,
            "sorts": search.SORTS[params.tab],
            "industries": _industry_choices(),
            "ip_types": _ip_type_choices(),
            "regions": province_choices(),
            "modes": EngagementMode.choices,
            "readiness_choices": [("1-3", "TRL 1–3"), ("4-6", "TRL 4–6"), ("7-9", "TRL 7–9")],
            "institutions": _institutions_for(params.tab),
        },
    )


def _institutions_for(tab: str):
    qs = Institution.objects.order_by("name")
    if tab == "listings":
        return qs.filter(listings__status="published").distinct()
    if tab == "demands":
        return qs.filter(kind=InstitutionKind.ENTERPRISE, demands__status="open").distinct()
    return qs.filter(expert_profiles__is_public=True).distinct()


def _matches(finder, source, actor, source_kind: str, target_kind: str):
    try:
        matches = finder(source)
    except ranking.IndexNotReady:
        return [], False
    verdicts = selectors.feedback_for(actor=actor, source_kind=source_kind, source_id=source.pk)
    for match in matches:
        match.verdict = verdicts.get((target_kind, match.obj.pk))
    return matches, True


@login_required
def demand_matches(request, pk: int):
    demand = selectors.demand_for_matching(actor=request.user, pk=pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in TECH_TABS else "technologies"
    finder = (
        ranking.technologies_for_demand if tab == "technologies" else ranking.experts_for_demand
    )
    matches, ready = _matches(finder, demand, request.user, SourceKind.DEMAND, TECH_TABS[tab])
    return render(
        request,
        "matching/demand_matches.html",
        {
            "demand": demand,
            "tab": tab,
            "tabs": TECH_TABS,
            "matches": matches,
            "ready": ready,
            "target_kind": TECH_TABS[tab],
            "source_kind": SourceKind.DEMAND,
            "can_express_interest": can_post_demand(request.user, demand.institution),
        },
    )


@login_required
def listing_matches(request, pk: int):
    listing = selectors.listing_for_matching(actor=request.user, pk=pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in LISTING_TABS else "demands"
    finder = ranking.demands_for_listing if tab == "demands" else ranking.enterprises_for_listing
    matches, ready = _matches(finder, listing, request.user, SourceKind.LISTING, LISTING_TABS[tab])
    return render(
        request,
        "matching/listing_matches.html",
        {
            "listing": listing,
            "tab": tab,
            "tabs": LISTING_TABS,
            "matches": matches,
            "ready": ready,
            "target_kind": LISTING_TABS[tab],
            "source_kind": SourceKind.LISTING,
        },
    )


@login_required
@require_POST
def feedback(request):
    data = request.POST
    source = selectors.match_source(
        actor=request.user, kind=data.get("source_kind", ""), pk=data.get("source_id")
    )
    useful = {"1": True, "0": False}.get(data.get("useful", ""))
    try:
        item = services.feedback_record(
            actor=request.user,
            source_kind=data.get("source_kind"),
            source=source,
            target_kind=data.get("target_kind", ""),
            target_id=data.get("target_id"),
            useful=useful,
            rank=data.get("rank"),
            score=data.get("score"),
        )
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(first_message(exc), status=400)
        messages.error(request, first_message(exc))
        item = None
    if request.htmx and item is not None:
        return render(
            request,
            "matching/_feedback.html",
            {
                "source_kind": item.source_kind,
                "source_id": item.source_id,
                "target_kind": item.target_kind,
                "target_id": item.target_id,
                "verdict": item.useful,
                "rank": item.rank,
                "score": item.score,
            },
        )
    if item is not None:
        messages.success(request, _("Thank you: your judgement was kept."))
    back = data.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


def first_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _feedback_params(request) -> dict:
    return {
        "target_kind": request.GET.get("target_kind", "").strip(),
        "useful": request.GET.get("useful", "").strip(),
    }


def _feedback_rows(request):
    params = _feedback_params(request)
    qs = selectors.feedback_visible(actor=request.user)
    if params["target_kind"] in TargetKind.values:
        qs = qs.filter(target_kind=params["target_kind"])
    if params["useful"] in ("1", "0"):
        qs = qs.filter(useful=params["useful"] == "1")
    return params, qs


@login_required
def feedback_list(request):
    require(works_in_an_office(request.user))
    params, qs = _feedback_params(request), _feedback_rows(request)[1]
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [
            _("Judged"),
            _("User"),
            _("Matched for"),
            _("Match"),
            _("Useful"),
            _("Rank shown"),
            _("Score shown"),
        ]
        rows = [
            [
                timezone.localtime(f.updated_at).strftime("%Y-%m-%d %H:%M"),
                f.user.get_full_name() or f.user.get_username(),
                f"{f.get_source_kind_display()} #{f.source_id}",
                f"{f.get_target_kind_display()} #{f.target_id}",
                _("Yes") if f.useful else _("No"),
                f.rank or "",
                "" if f.score is None else round(f.score * 100),
            ]
            for f in qs
        ]
        return export_response(request, "match-judgements", _("Match judgements"), headers, rows)
    page = paginate(request, qs)
    labels = _labels(page.object_list)
    return render(
        request,
        "matching/feedback_list.html",
        {
            "page": page,
            "params": params,
            "kinds": TargetKind.choices,
            "labels": labels,
            "total": qs.count(),
            "useful_count": qs.filter(useful=True).count(),
        },
    )


def _labels(items) -> dict[tuple[str, int], str]:
    """Titles of the records on a page of judgements, by (kind, id)."""
    wanted: dict[str, set[int]] = {}
    for f in items:
        wanted.setdefault(f.source_kind, set()).add(f.source_id)
        wanted.setdefault(f.target_kind, set()).add(f.target_id)
    out = {}
    for kind, ids in wanted.items():
        if kind == TargetKind.ENTERPRISE:
            for i in Institution.objects.filter(pk__in=ids):
                out[(kind, i.pk)] = i.display_name
            continue
        for obj in (
            selectors.KINDS[kind]
            .model.objects.filter(pk__in=ids)
            .select_related(*selectors.KINDS[kind].related)
        ):
            out[(kind, obj.pk)] = str(obj) if kind != "experts" else obj.user.get_full_name()
    return out


@login_required
def feedback_export(request):
    """The judgements of one kind of match as an evaluation set (zip)."""
    require(works_in_an_office(request.user))
    target_kind = request.GET.get("target_kind") or TargetKind.LISTING
    if target_kind not in TargetKind.values:
        raise PermissionDenied(_("This kind of match does not exist."))
    _params, qs = _feedback_rows(request)
    files = services.feedback_export(actor=request.user, feedback=qs, target_kind=target_kind)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    name = f"match-eval-{target_kind}-{stamp}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
