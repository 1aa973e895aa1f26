"""The HTTP API at /api/v1/: one NinjaAPI, token or session authentication, JSON errors.

Every error answers ``{"code": "<stable code>", "message": "<human message>"}``, with
``errors`` added for invalid input. Codes: ``unauthorized``, ``forbidden``, ``not_found``,
``invalid``, ``invalid_request``, ``server_error``.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from datong.accounts.services import api_token_authenticate

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer dt_…`` with a personal access token."""

    openapi_description = "A personal access token created on the settings page."

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionCookie(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request):
        # Without a session cookie there is no session to protect: skip the CSRF check, so a
        # token client sending a bad token hears 401, not a CSRF failure.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated and user.is_active else None


api = NinjaAPI(
    title="Datong API",
    version="1.0.0",
    description=(
        "The Datong technology-transfer platform. Authenticate with a personal access token "
        "(`Authorization: Bearer <token>`), created on the settings page or with "
        "`datong token create USERNAME`. Errors are JSON: `{code, message}`."
    ),
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
    docs_url="/docs",
)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return error(request, 401, "unauthorized", _("Authentication required: send a valid token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or _("You do not have permission to do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(DjangoValidationError)
def _invalid(request, exc):
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(errors.values()))[0]
    return error(request, 422, "invalid", first, errors=errors)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request, exc):
    errors = [
        {"loc": [str(p) for p in item.get("loc", [])], "message": item.get("msg", "")}
        for item in exc.errors
    ]
    return error(
        request, 422, "invalid_request", _("The request is not valid; see errors."), errors=errors
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error", exc_info=exc)
    return error(request, 500, "server_error", _("Something went wrong on our side."))


def _register_routers() -> None:
    from datong.accounts.api import router as accounts_router
    from datong.cases.api import router as cases_router
    from datong.deals.api import router as deals_router
    from datong.deals.income.api import router as income_router
    from datong.institutions.api import router as institutions_router
    from datong.ip.api import router as ip_router
    from datong.ip.api_docket import router as ip_docket_router
    from datong.ip.api_portfolio import router as ip_portfolio_router
    from datong.ip.api_records import router as ip_records_router
    from datong.market.api import router as market_router
    from datong.matching.api import router as matching_router
    from datong.poc.api import router as poc_router
    from datong.poc.api_overview import router as poc_overview_router
    from datong.poc.projects.api import router as poc_projects_router
    from datong.poc.review.api import router as poc_review_router
    from datong.providers.api import router as providers_router
    from datong.reports.api import router as reports_router
    from datong.reports.dashboards.api import router as dashboards_router
    from datong.results.api import router as results_router
    from datong.ventures.api import router as ventures_router

    api.add_router("", accounts_router)
    api.add_router("", institutions_router)
    api.add_router("", results_router)
    api.add_router("", ip_router)
    api.add_router("", ip_records_router)
    api.add_router("", ip_docket_router)
    api.add_router("", ip_portfolio_router)
    api.add_router("", providers_router)
    api.add_router("", market_router)
    api.add_router("", matching_router)
    api.add_router("", cases_router)
    api.add_router("", poc_router)
    api.add_router("", poc_overview_router)
    api.add_router("", poc_review_router)
    api.add_router("", poc_projects_router)
    api.add_router("", deals_router)
    api.add_router("", income_router)
    api.add_router("", ventures_router)
    api.add_router("", reports_router)
    api.add_router("", dashboards_router)


_register_routers()


def openapi_json() -> str:
    """The OpenAPI document as committed in docs/openapi.json (English, stable key order)."""
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
