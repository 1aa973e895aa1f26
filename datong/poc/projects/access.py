"""Who plays which part in a project: the programme owner's office runs it, the team (the
applicant and the team members) works on it, the applicant institution's office follows it and
may keep its books, the mentor coaches it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from datong.core.permissions import require, scope_for

from .models import Project


def is_owner_office(user, project: Project) -> bool:
    """Transfer-office staff of the institution that runs the programme (or a site admin)."""
    return scope_for(user).is_staff_of(project.programme.owner_id)


def is_institution_office(user, project: Project) -> bool:
    return scope_for(user).is_staff_of(project.institution_id)


def team_user_ids(project: Project) -> set[int]:
    application = project.application
    ids = set(application.team.exclude(user=None).values_list("user_id", flat=True))
    ids.add(application.applicant_id)
    return ids


def is_team(user, project: Project) -> bool:
    user_id = scope_for(user).user_id
    return user_id is not None and user_id in team_user_ids(project)


def is_mentor(user, project: Project) -> bool:
    user_id = scope_for(user).user_id
    return user_id is not None and project.mentor_id == user_id


def keeps_books(user, project: Project) -> bool:
    """Who records expenses and submits reports: the team or the applicant institution's office."""
    return is_team(user, project) or is_institution_office(user, project)


def require_owner_office(user, project: Project) -> None:
    require(
        is_owner_office(user, project), _("Only the office that runs the programme may do this.")
    )


def require_team(user, project: Project) -> None:
    require(
        is_team(user, project) or is_owner_office(user, project),
        _("Only the project team or the programme's office may do this."),
    )


def require_books(user, project: Project) -> None:
    require(
        keeps_books(user, project),
        _("Only the project team or the applicant institution's office may do this."),
    )


def require_coach(user, project: Project) -> None:
    require(
        is_mentor(user, project) or is_owner_office(user, project),
        _("Only the project's mentor or the programme's office may do this."),
    )


def roles(user, project: Project) -> dict[str, bool]:
    """The parts the user plays, for pages that show or hide actions."""
    owner = is_owner_office(user, project)
    team = is_team(user, project)
    books = team or is_institution_office(user, project)
    return {
        "owner_office": owner,
        "team": team,
        "mentor": is_mentor(user, project),
        "books": books,
        "report": team or owner,
        "coach": owner or is_mentor(user, project),
    }
