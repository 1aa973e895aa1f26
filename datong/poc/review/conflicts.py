"""Conflicts of interest between reviewers and applications, read in bulk.

A reviewer may not review an application when they are its applicant, work in the applicant's
department (their membership at the applicant institution names that department), are an inventor
of the result, belong to the project team (co-authors of the application), or declared a conflict
with the application or with its institution. There is no way round it: every assignment goes
through :meth:`ConflictIndex.reasons`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.institutions.models import Membership
from datong.poc.models import Application, TeamMember
from datong.results.models import ResultInventor

from .models import ConflictDeclaration


def _department_id(application: Application) -> int | None:
    return application.department_id or application.result.department_id


class ConflictIndex:
    """Everything needed to test many reviewer–application pairs with a handful of queries."""

    def __init__(self, applications: Sequence[Application], reviewer_ids: Iterable[int]):
        self.reviewer_ids = sorted(set(reviewer_ids))
        app_ids = [a.pk for a in applications]
        institution_ids = {a.institution_id for a in applications}
        self.names = {
            u.pk: u.get_full_name() for u in User.objects.filter(pk__in=self.reviewer_ids)
        }
        self.departments = set(
            Membership.objects.filter(
                user_id__in=self.reviewer_ids,
                institution_id__in=institution_ids,
                department__isnull=False,
            ).values_list("user_id", "institution_id", "department_id")
        )
        self.inventors = set(
            ResultInventor.objects.filter(
                user_id__in=self.reviewer_ids, result_id__in={a.result_id for a in applications}
            ).values_list("user_id", "result_id")
        )
        self.team = set(
            TeamMember.objects.filter(
                user_id__in=self.reviewer_ids, application_id__in=app_ids
            ).values_list("user_id", "application_id")
        )
        declared = ConflictDeclaration.objects.filter(reviewer_id__in=self.reviewer_ids)
        self.declared_applications = {
            (d.reviewer_id, d.application_id): d.reason
            for d in declared.filter(application_id__in=app_ids)
        }
        self.declared_institutions = {
            (d.reviewer_id, d.institution_id): d.reason
            for d in declared.filter(institution_id__in=institution_ids).select_related(
                "institution"
            )
        }

    def reasons(self, reviewer_id: int, application: Application) -> list[str]:
        """Why ``reviewer_id`` may not review ``application``, one sentence per conflict."""
        name = self.names.get(reviewer_id, "")
        found = []
        if reviewer_id == application.applicant_id:
            found.append(_("%(name)s is the applicant.") % {"name": name})
        department = _department_id(application)
        if (
            department is not None
            and (reviewer_id, application.institution_id, department) in self.departments
        ):
            found.append(_("%(name)s works in the applicant's department.") % {"name": name})
        if (reviewer_id, application.result_id) in self.inventors:
            found.append(_("%(name)s is a co-inventor of the result.") % {"name": name})
        if (reviewer_id, application.pk) in self.team:
            found.append(
                _("%(name)s is in the project team (a co-author of the application).")
                % {"name": name}
            )
        reason = self.declared_applications.get((reviewer_id, application.pk))
        if reason is not None:
            found.append(
                _("%(name)s declared a conflict with this application: %(reason)s")
                % {"name": name, "reason": reason}
            )
        reason = self.declared_institutions.get((reviewer_id, application.institution_id))
        if reason is not None:
            found.append(
                _("%(name)s declared a conflict with the applicant institution: %(reason)s")
                % {"name": name, "reason": reason}
            )
        return found


def conflicts_of(reviewer_id: int, application: Application) -> list[str]:
    """The conflicts of one pair (the same checks as in bulk)."""
    return ConflictIndex([application], [reviewer_id]).reasons(reviewer_id, application)
