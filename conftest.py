"""Test-wide set-up: plain static storage (no collectstatic needed) and shared fixtures."""

import pytest
from django.conf import settings

# Fast password hashing: tests create many accounts; real hashing is exercised by Django itself.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Tests see the default language (Simplified Chinese) unless they ask for another."""
    settings.LANGUAGE_CODE = "zh-hans"
    yield
