"""Settings read from the environment, checked in a fresh process as an operator runs them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_variables(tmp_path):
    result = _check(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_HTTPS": "1",
            "ALLOWED_HOSTS": "parley.example.org",
            "PARLEY_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_without_https(tmp_path):
    result = _check({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "PARLEY_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_embedded_default_writes_a_private_secret_key(tmp_path):
    env = {"PARLEY_VAR_DIR": str(tmp_path)}
    env_without_key = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    command = [
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]
    runs = [
        subprocess.run(command, cwd=ROOT, env={**env_without_key, **env}, capture_output=True, text=True, timeout=60)
        .stdout.strip()
        .splitlines()[-1]
        for _ in range(2)
    ]
    assert len(runs[0]) >= 50
    assert runs[0] == runs[1] == (tmp_path / "secret_key").read_text().strip()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
