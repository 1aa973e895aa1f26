"""The Simplified Chinese catalogue is complete, compiled, and covers every string in the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext is missing: `make test` installs it"
)


def _msgids(po_text: str) -> set[str]:
    ids, current, in_id = set(), [], False
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:]], True
        elif line.startswith('"') and in_id:
            current.append(line)
        else:
            if in_id:
                ids.add("".join(part.strip().strip('"') for part in current))
            in_id = False
    return {i for i in ids if i}


@needs_gettext
def test_catalogue_is_fully_translated_and_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    assert compiled.read_bytes() == MO.read_bytes(), "django.mo is stale: run `make messages`"


@needs_gettext
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    copy = tmp_path / "datong"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "datong.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PACKAGE.parent),
            "DATONG_DATA_DIR": str(tmp_path / "var"),
        },
    )
    extracted = _msgids((copy / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8"))
    committed = _msgids(PO.read_text("utf-8"))
    missing = sorted(extracted - committed)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
    assert re.search(r"Plural-Forms: nplurals=1; plural=0;", PO.read_text("utf-8"))
