"""Writes of the matching app: a user's judgement of a match."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require, scope_for

from .models import MatchFeedback, SourceKind, TargetKind
from .selectors import evaluation_set, match_target

#: Which matches each source kind has.
TARGETS = {
    SourceKind.DEMAND: (TargetKind.LISTING, TargetKind.EXPERT),
    SourceKind.LISTING: (TargetKind.DEMAND, TargetKind.ENTERPRISE),
}


def _judged_institution_id(source_kind: str, source, target) -> int | None:
    """The office that sees the judgement: the institution offering the technology or the
    expert (the listing's, or the matched listing's or expert's)."""
    if source_kind == SourceKind.LISTING:
        return source.institution_id
    return target.institution_id


@transaction.atomic
def feedback_record(
    *,
    actor,
    source_kind: str,
    source,
    target_kind: str,
    target_id,
    useful,
    rank=None,
    score=None,
) -> MatchFeedback:
    """Keep (or replace) *actor*'s verdict on one match. *source* must come from a selector
    that checked the actor may see its matches."""
    require(getattr(actor, "is_authenticated", False), _("Log in to judge a match."))
    if target_kind not in TARGETS.get(source_kind, ()):
        raise ValidationError({"target_kind": _("This kind of match does not exist.")})
    if not isinstance(useful, bool):
        raise ValidationError({"useful": _("Say whether the match is useful: true or false.")})
    try:
        target = match_target(target_kind, int(target_id))
        rank = int(rank) if rank not in (None, "") else None
        score = float(score) if score not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError(_("The match was not found.")) from None
    if target is None:
        raise ValidationError(_("The match was not found."))
    if rank is not None and not 1 <= rank <= 1000:
        raise ValidationError({"rank": _("The rank is out of range.")})
    feedback, created = MatchFeedback.objects.update_or_create(
        user=actor,
        source_kind=source_kind,
        source_id=source.pk,
        target_kind=target_kind,
        target_id=target.pk,
        defaults={
            "useful": useful,
            "rank": rank,
            "score": score,
            "institution_id": _judged_institution_id(source_kind, source, target),
        },
    )
    audit.record(
        actor=actor,
        action="matching.feedback",
        obj=feedback,
        changes={"useful": [None if created else not useful, useful]},
    )
    return feedback


def feedback_export(*, actor, feedback, target_kind: str) -> dict[str, str]:
    """The evaluation-set files of *feedback* (already scoped by a selector), and the audit
    entry saying who took them."""
    files = evaluation_set(feedback, target_kind)
    useful = files["qrels.tsv"].count("\n")
    audit.record(
        actor=actor,
        action="matching.feedback_export",
        message=f"{target_kind}: {useful} useful pairs",
        institution_id=next(iter(sorted(scope_for(actor).staff_institution_ids)), None),
    )
    return files
