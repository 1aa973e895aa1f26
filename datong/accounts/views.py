from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.roles import Role
from datong.institutions.selectors import institution_list

from . import selectors, services
from .forms import LanguageForm, PasswordForm, ProfileForm, TokenForm


def _set_language_cookie(response, language: str) -> None:
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            _set_language_cookie(response, language)
        return response


@require_POST
def language_switch(request):
    """Switch the page language; a signed-in user's choice is also kept in their profile."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        _set_language_cookie(response, language)
        translation.activate(language)
        if request.user.is_authenticated and request.user.language != language:
            services.user_update_profile(
                actor=request.user, user=request.user, data={"language": language}
            )
    return response


@login_required
def settings_page(request):
    profile_form = ProfileForm(instance=request.user, prefix="profile")
    token_form = TokenForm(prefix="token")
    new_token = None
    if request.method == "POST" and "profile-name" in request.POST:
        profile_form = ProfileForm(request.POST, instance=request.user, prefix="profile")
        if profile_form.is_valid():
            try:
                services.user_update_profile(
                    actor=request.user, user=request.user, data=profile_form.cleaned_data
                )
            except ValidationError as exc:
                attach_errors(profile_form, exc)
            else:
                messages.success(request, _("Your profile was saved."))
                response = redirect("settings")
                if request.user.language:
                    _set_language_cookie(response, request.user.language)
                return response
    elif request.method == "POST" and "token-name" in request.POST:
        token_form = TokenForm(request.POST, prefix="token")
        if token_form.is_valid():
            try:
                _token, new_token = services.api_token_create(
                    actor=request.user,
                    user=request.user,
                    name=token_form.cleaned_data["name"],
                    expires_in_days=token_form.cleaned_data["expires_in_days"],
                )
            except ValidationError as exc:
                attach_errors(token_form, exc)
            else:
                token_form = TokenForm(prefix="token")
    return render(
        request,
        "accounts/settings.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": selectors.token_list(actor=request.user),
            "memberships": selectors.person_get(
                actor=request.user, pk=request.user.pk
            ).visible_memberships,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.token_get(actor=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("settings")


@login_required
def password_change(request):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                actor=request.user,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("settings")
    return render(request, "accounts/password_change.html", {"form": form})


PEOPLE_SORTS = [
    ("name", gettext_lazy("Name")),
    ("-name", gettext_lazy("Name, reversed")),
    ("newest", gettext_lazy("Newest")),
]


@login_required
def people_list(request):
    params = {
        "q": request.GET.get("q", "").strip(),
        "institution": request.GET.get("institution", "").strip(),
        "role": request.GET.get("role", "").strip(),
        "department": request.GET.get("department", "").strip(),
        "sort": request.GET.get("sort", "name"),
    }
    if not params["department"].isdigit():
        params["department"] = ""
    people = selectors.people_list(actor=request.user, **params)
    if request.GET.get("export"):
        return export_response(
            request,
            "people",
            _("People"),
            [_("Name"), _("User name"), _("E-mail"), _("Phone"), _("Institutions and roles")],
            (
                (
                    p.name,
                    p.username,
                    p.email,
                    p.phone,
                    "; ".join(
                        f"{m.institution.display_name} · {m.get_role_display()}"
                        for m in p.visible_memberships
                    ),
                )
                for p in people.iterator(chunk_size=500)
            ),
        )
    page = paginate(request, people)
    context = {
        "page": page,
        "params": params,
        "roles": Role.choices,
        "sorts": PEOPLE_SORTS,
        "institutions": institution_list(actor=request.user)
        .filter(memberships__user=request.user)
        .distinct()
        if not request.user.is_superuser
        else institution_list(actor=request.user)[:200],
    }
    template = (
        "accounts/partials/people_table.html" if request.htmx else "accounts/people_list.html"
    )
    return render(request, template, context)


@login_required
def person_detail(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    return render(request, "accounts/person_detail.html", {"person": person})
