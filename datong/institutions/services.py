"""Writes to institutions, departments, alliances and memberships."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.accounts.services import user_create
from datong.core import audit
from datong.core.permissions import forget_scope, require, require_staff, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors

from . import credit_code
from .models import Alliance, AllianceMember, Department, Institution, InstitutionKind, Membership
from .regions import PROVINCES

INSTITUTION_FIELDS = (
    "slug",
    "name",
    "name_en",
    "short_name",
    "kind",
    "province",
    "city",
    "address",
    "website",
    "email",
    "phone",
    "credit_code",
    "description",
    "description_en",
    "is_listed",
)
DEPARTMENT_FIELDS = ("name", "name_en", "code")
_PROVINCE_CODES = {code for code, _zh, _en in PROVINCES}


def _strip(data: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


def _validate_institution(data: dict, *, instance: Institution | None = None) -> dict:
    data = _strip(data)
    if data.get("credit_code"):
        data["credit_code"] = credit_code.normalise(data["credit_code"])
    errors: dict[str, str] = length_errors(Institution, data)
    if "slug" in data:
        try:
            validate_slug(data["slug"] or "")
        except ValidationError:
            errors["slug"] = _("Use letters, digits, hyphens or underscores only.")
        else:
            clash = Institution.objects.filter(slug=data["slug"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["slug"] = _("Another institution already uses this short code.")
    if "name" in data and not data["name"]:
        errors["name"] = _("The name is required.")
    if "kind" in data and data["kind"] not in InstitutionKind.values:
        errors["kind"] = _("Choose one of the institution kinds.")
    if data.get("province") and data["province"] not in _PROVINCE_CODES:
        errors["province"] = _("Choose a province from the list.")
    if data.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(data["website"])
        except ValidationError:
            errors["website"] = _("Enter a full web address starting with http:// or https://.")
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if data.get("credit_code") and not credit_code.is_valid(data["credit_code"]):
        errors["credit_code"] = _(
            "This is not a valid unified social credit code: it has 18 characters and the "
            "last one is a check character."
        )
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def institution_create(*, actor: User | None, **data) -> Institution:
    """Register an institution (site administrators only)."""
    require(actor is None or actor.is_superuser)
    for required in ("slug", "name", "kind"):
        data.setdefault(required, "")
    cleaned = _validate_institution({k: v for k, v in data.items() if k in INSTITUTION_FIELDS})
    institution = Institution.objects.create(**cleaned)
    audit.record(
        actor=actor,
        action="institution.create",
        obj=institution,
        changes=audit.snapshot(institution, INSTITUTION_FIELDS),
    )
    return institution


@transaction.atomic
def institution_update(*, actor: User, institution: Institution, data: dict) -> Institution:
    """Edit an institution's profile: its own transfer office, or a site administrator."""
    require_staff(actor, institution.pk)
    # The short code and the kind identify the institution: only site administrators change them.
    renamed = [f for f in ("slug", "kind") if f in data and data[f] != getattr(institution, f)]
    require(
        actor.is_superuser or not renamed,
        _("Only a site administrator changes an institution's short code or kind."),
    )
    editable = INSTITUTION_FIELDS
    cleaned = _validate_institution(
        {k: v for k, v in data.items() if k in editable}, instance=institution
    )
    changes = audit.apply_changes(institution, cleaned, editable)
    if changes:
        institution.save()
        audit.record(actor=actor, action="institution.update", obj=institution, changes=changes)
    return institution


def _validate_department(institution: Institution, data: dict, instance=None) -> dict:
    data = _strip({k: v for k, v in data.items() if k in DEPARTMENT_FIELDS})
    if errors := length_errors(Department, data):
        raise ValidationError(errors)
    if "name" in data and not data["name"]:
        raise ValidationError({"name": _("The name is required.")})
    clash = Department.objects.filter(institution=institution, name=data.get("name"))
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if data.get("name") and clash.exists():
        raise ValidationError(
            {"name": _("This institution already has a department of that name.")}
        )
    return data


@transaction.atomic
def department_create(*, actor: User | None, institution: Institution, **data) -> Department:
    if actor is not None:
        require_staff(actor, institution.pk)
    data.setdefault("name", "")
    cleaned = _validate_department(institution, data)
    department = Department.objects.create(institution=institution, **cleaned)
    audit.record(
        actor=actor,
        action="department.create",
        obj=department,
        changes=audit.snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


@transaction.atomic
def department_update(*, actor: User, department: Department, data: dict) -> Department:
    require_staff(actor, department.institution_id)
    cleaned = _validate_department(department.institution, data, instance=department)
    changes = audit.apply_changes(department, cleaned, DEPARTMENT_FIELDS)
    if changes:
        department.save()
        audit.record(actor=actor, action="department.update", obj=department, changes=changes)
    return department


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    institution: Institution,
    role: str,
    department: Department | None = None,
    position: str = "",
) -> Membership:
    """Give ``user`` a role in ``institution`` (its transfer office or a site administrator)."""
    if actor is not None:
        require_staff(actor, institution.pk)
        if role == Role.ALLIANCE_ADMIN:
            require(
                actor.is_superuser, _("Only a site administrator appoints alliance administrators.")
            )
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    if errors := length_errors(Membership, {"position": position or ""}):
        raise ValidationError(errors)
    if department is not None and department.institution_id != institution.pk:
        raise ValidationError({"department": _("The department belongs to another institution.")})
    if Membership.objects.filter(user=user, institution=institution, role=role).exists():
        raise ValidationError({"role": _("This person already has this role here.")})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user,
                institution=institution,
                role=role,
                department=department,
                position=(position or "").strip(),
            )
    except IntegrityError as exc:  # a concurrent grant of the same role
        raise ValidationError({"role": _("This person already has this role here.")}) from exc
    forget_scope(user)
    audit.record(
        actor=actor,
        action="membership.grant",
        obj=membership,
        changes=audit.snapshot(
            membership, ("user", "institution", "role", "department", "position")
        ),
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    require_staff(actor, membership.institution_id)
    last_office = (
        membership.role == Role.TTO_STAFF
        and not Membership.objects.filter(
            institution_id=membership.institution_id, role=Role.TTO_STAFF
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    require(
        actor.is_superuser or not last_office,
        _("This is the institution's last transfer-office member; appoint another first."),
    )
    audit.record(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        changes={"role": [membership.role, None]},
    )
    user = membership.user
    membership.delete()
    forget_scope(user)
    if actor.pk == user.pk:
        forget_scope(actor)


@transaction.atomic
def person_add(
    *,
    actor: User,
    institution: Institution,
    username: str,
    name: str,
    email: str,
    role: str,
    department: Department | None = None,
    password: str | None = None,
    position: str = "",
) -> User:
    """The transfer office registers a new person in its institution with a first role."""
    require_staff(actor, institution.pk)
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        name=name,
        email=email,
        institution_id=institution.pk,
    )
    membership_grant(
        actor=actor,
        user=user,
        institution=institution,
        role=role,
        department=department,
        position=position,
    )
    return user


@transaction.atomic
def alliance_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    secretariat: Institution,
    name_en: str = "",
    founded_on: dt.date | None = None,
    description: str = "",
    description_en: str = "",
) -> Alliance:
    require(actor is None or actor.is_superuser)
    errors = {}
    try:
        validate_slug(slug or "")
    except ValidationError:
        errors["slug"] = _("Use letters, digits, hyphens or underscores only.")
    if Alliance.objects.filter(slug=slug).exists():
        errors["slug"] = _("Another alliance already uses this short code.")
    if not (name or "").strip():
        errors["name"] = _("The name is required.")
    errors.update(length_errors(Alliance, {"slug": slug, "name": name, "name_en": name_en}))
    if secretariat.kind != InstitutionKind.ALLIANCE_SECRETARIAT:
        errors["secretariat"] = _(
            "The secretariat must be an institution of the kind “alliance secretariat”."
        )
    if errors:
        raise ValidationError(errors)
    alliance = Alliance.objects.create(
        slug=slug,
        name=name.strip(),
        name_en=name_en.strip(),
        secretariat=secretariat,
        founded_on=founded_on,
        description=description,
        description_en=description_en,
    )
    audit.record(
        actor=actor,
        action="alliance.create",
        obj=alliance,
        changes=audit.snapshot(alliance, ("slug", "name", "name_en", "secretariat", "founded_on")),
    )
    return alliance


def _require_alliance_admin(actor: User | None, alliance: Alliance) -> None:
    if actor is None:
        return
    scope = scope_for(actor)
    require(
        scope.is_superuser or scope.has_role(alliance.secretariat_id, Role.ALLIANCE_ADMIN),
        _("Only the alliance's administrators may change its members."),
    )


@transaction.atomic
def alliance_member_add(
    *,
    actor: User | None,
    alliance: Alliance,
    institution: Institution,
    joined_on: dt.date | None = None,
) -> AllianceMember:
    _require_alliance_admin(actor, alliance)
    if AllianceMember.objects.filter(alliance=alliance, institution=institution).exists():
        raise ValidationError({"institution": _("This institution is already a member.")})
    member = AllianceMember.objects.create(
        alliance=alliance, institution=institution, joined_on=joined_on
    )
    audit.record(
        actor=actor,
        action="alliance.member_add",
        obj=alliance,
        changes={"members": [None, institution.name]},
    )
    return member


@transaction.atomic
def alliance_member_remove(*, actor: User, member: AllianceMember) -> None:
    _require_alliance_admin(actor, member.alliance)
    audit.record(
        actor=actor,
        action="alliance.member_remove",
        obj=member.alliance,
        changes={"members": [member.institution.name, None]},
    )
    member.delete()
