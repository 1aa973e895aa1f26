"""Writes to accounts: users, passwords, preferences and API tokens."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require, scope_for
from datong.core.validation import length_errors

from .models import ApiToken, User, hash_token

TOKEN_PREFIX = "dt_"
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
PROFILE_FIELDS = ("name", "name_en", "email", "phone", "title", "language")


def _is_system(actor) -> bool:
    return actor is None


def _validate_profile(data: dict) -> dict:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors: dict[str, str] = length_errors(User, cleaned)
    if "email" in cleaned and cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if "language" in cleaned and cleaned["language"] not in {"", *dict(settings.LANGUAGES)}:
        errors["language"] = _("Choose one of the offered languages.")
    if (
        "phone" in cleaned
        and cleaned["phone"]
        and not re.fullmatch(r"[0-9+\- ()]{5,32}", cleaned["phone"])
    ):
        errors["phone"] = _("Enter a phone number with digits, spaces, +, - or brackets.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    name: str = "",
    email: str = "",
    is_superuser: bool = False,
    check_password: bool = True,
    institution_id: int | None = None,
    **profile,
) -> User:
    """Create an account: site administrators, the system (``actor=None``), or the transfer
    office of ``institution_id`` registering one of its people."""
    require(
        _is_system(actor)
        or actor.is_superuser
        or (
            institution_id is not None
            and not is_superuser
            and scope_for(actor).is_staff_of(institution_id)
        )
    )
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {"username": _("Use 3–150 letters, digits or the characters _ . @ + -.")}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    cleaned = _validate_profile({"name": name, "email": email, **profile})
    user = User(username=username, is_superuser=is_superuser, is_staff=is_superuser, **cleaned)
    if password:
        if check_password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action="user.create",
        obj=user,
        changes=audit.snapshot(user, ("username", "name", "email", "is_superuser")),
        # A new user has no membership yet: the registering institution's staff read the entry.
        institution_id=institution_id,
    )
    return user


@transaction.atomic
def user_update_profile(*, actor: User, user: User, data: dict) -> User:
    """Change a profile. Users change their own; site administrators anyone's."""
    require(actor.pk == user.pk or actor.is_superuser)
    cleaned = _validate_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS})
    changes = audit.apply_changes(user, cleaned, PROFILE_FIELDS)
    if changes:
        user.save(update_fields=list(changes))
        audit.record(actor=actor, action="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def user_change_password(
    *, actor: User, user: User, old_password: str | None, new_password: str
) -> User:
    """Change a password. Users must give their current one; administrators need not."""
    require(actor.pk == user.pk or actor.is_superuser)
    if actor.pk == user.pk and not user.check_password(old_password or ""):
        raise ValidationError({"old_password": _("Your current password was entered incorrectly.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action="user.password",
        obj=user,
        changes={"password": [audit.MASK, audit.MASK]},
    )
    return user


@transaction.atomic
def api_token_create(
    *, actor: User | None, user: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal access token; return it with the plain token, which is never stored."""
    require(_is_system(actor) or actor.pk == user.pk or actor.is_superuser)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you can recognise it later.")})
    if len(name) > 100:
        raise ValidationError({"name": _("A token name has at most 100 characters.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires_in_days": _("A token lasts between 1 and 3650 days.")})
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(plain),
        expires_at=(
            timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        ),
    )
    audit.record(
        actor=actor or user,
        action="token.create",
        obj=token,
        changes=audit.snapshot(token, ("name", "prefix", "expires_at")),
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    require(actor.pk == token.user_id or actor.is_superuser)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="token.revoke",
            obj=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
    return token


def api_token_authenticate(plain: str) -> User | None:
    """The active user behind a token, or None. Records when the token was last used."""
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.usable().select_related("user").filter(key_hash=hash_token(plain)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        # Bookkeeping, not a user write: kept out of the audit log on purpose.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
