"""Running Django in a subprocess as a production host would: the real settings module,
no DEBUG, only the environment the settings need (no test settings, no leftovers)."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def production_environment(**extra: str) -> dict[str, str]:
    """The environment of a production host: only what the settings need, no DEBUG."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "igf_catalogue.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "sessions.example.org",
        # The TLS proxy in front runs on the same host, as the README sets it up.
        "CATALOGUE_TRUSTED_PROXIES": "127.0.0.1",
        **extra,
    }


def run_in_production(*arguments: str, **extra_env: str) -> subprocess.CompletedProcess:
    """Run `python ARGUMENTS` from the project's root with a production environment."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=production_environment(**extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_script_in_production(script: str, **extra_env: str) -> subprocess.CompletedProcess:
    """Run a Python snippet after django.setup() under production settings."""
    return run_in_production("-c", f"import django; django.setup(); {script}", **extra_env)
