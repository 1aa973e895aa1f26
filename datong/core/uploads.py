"""Uploads kept between a check and its confirmation (the imports' two steps).

The file waits under ``DATA_DIR/imports`` named by a random token that only the uploader's session
holds; files abandoned for more than a day are swept away."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

EXTENSIONS = (".xlsx", ".csv")
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
STALE_SECONDS = 24 * 3600


def folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


class PendingUploads:
    def __init__(self, session_key: str):
        self.session_key = session_key

    @staticmethod
    def path(pending: dict) -> Path:
        return folder() / f"{pending['token']}{pending['ext']}"

    def get(self, request, token: str | None) -> dict | None:
        """The session's waiting upload, when ``token`` is its token and the file is still there."""
        pending = request.session.get(self.session_key)
        if not pending or not token or not TOKEN_PATTERN.fullmatch(token):
            return None
        if not secrets.compare_digest(str(pending.get("token", "")), token):
            return None
        if pending.get("ext") not in EXTENSIONS or not self.path(pending).is_file():
            return None
        return pending

    def discard(self, request) -> None:
        pending = request.session.pop(self.session_key, None)
        if pending and TOKEN_PATTERN.fullmatch(str(pending.get("token", ""))):
            self.path(pending).unlink(missing_ok=True)

    @staticmethod
    def sweep() -> None:
        """Remove uploads abandoned for more than a day."""
        cutoff = time.time() - STALE_SECONDS
        for path in folder().glob("*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:  # another process got there first
                pass

    def keep(self, request, upload, **extra) -> dict:
        """Store ``upload`` for this session (replacing any earlier one) and return its record."""
        self.discard(request)
        folder().mkdir(parents=True, exist_ok=True)
        self.sweep()
        pending = {
            "token": secrets.token_urlsafe(24),
            "ext": Path(upload.name).suffix.lower(),
            "filename": Path(upload.name).name[:200],
            **extra,
        }
        with self.path(pending).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[self.session_key] = pending
        return pending
