"""Helpers for tests of every app."""

from __future__ import annotations

from django.apps import apps


def datong_models():
    """Every concrete model of Datong's own apps (later apps are included automatically)."""
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("datong.") and not model._meta.proxy
    ]


class Unchanged:
    """``with Unchanged(): ...`` asserts that the block left every Datong table — the audit log
    included — with the row count it had: a refused write leaves nothing half-written."""

    def __enter__(self):
        self.before = self.counts()
        return self

    def __exit__(self, *exc):
        assert self.counts() == self.before
        return False

    @staticmethod
    def counts() -> dict[str, int]:
        return {model._meta.label: model.objects.count() for model in datong_models()}


def bearer(plain_token: str) -> dict[str, str]:
    """Test-client keyword arguments that send a personal access token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {plain_token}"}


def assert_api_error(response, status: int, code: str) -> dict:
    """The API's error shape: the status, a stable code and a human message."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    return body
