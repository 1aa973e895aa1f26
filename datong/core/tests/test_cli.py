"""The `datong` console command: help texts, createadmin, token create, manage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from datong.accounts.models import ApiToken, User
from datong.accounts.services import api_token_authenticate
from datong.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "argv",
    [[], ["serve"], ["worker"], ["load-demo"], ["createadmin"], ["token"], ["token", "create"]],
)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*argv, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: datong" in out


def test_help_lists_all_commands(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    for command in ("serve", "worker", "load-demo", "createadmin", "token", "manage"):
        assert command in out


@pytest.mark.django_db
def test_createadmin_and_token_create(capsys):
    assert main(["createadmin", "--username", "boss", "--password", "Sup3r-secret-pw"]) == 0
    boss = User.objects.get(username="boss")
    assert boss.is_superuser and boss.check_password("Sup3r-secret-pw")
    # A duplicate is refused with a message and a non-zero exit.
    assert main(["createadmin", "--username", "boss", "--password", "Sup3r-secret-pw"]) == 1
    assert "username" in capsys.readouterr().err
    assert main(["token", "create", "boss", "--name", "nightly export", "--days", "7"]) == 0
    plain = capsys.readouterr().out.strip()
    assert plain.startswith("dt_")
    assert api_token_authenticate(plain) == boss
    assert ApiToken.objects.get(user=boss).name == "nightly export"
    assert main(["token", "create", "nobody"]) == 1


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password(capsys):
    assert main(["createadmin", "--username", "weak", "--password", "123"]) == 1
    assert "password" in capsys.readouterr().err
    assert not User.objects.filter(username="weak").exists()


def test_datong_manage_runs_django_commands(tmp_path):
    env = {**os.environ, "DATONG_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "datong.cli", "manage", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # The secret key was generated once, kept in the data directory, private to its owner.
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    first = key_file.read_text()
    subprocess.run(
        [sys.executable, "-m", "datong.cli", "manage", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert key_file.read_text() == first
