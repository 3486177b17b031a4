"""gunicorn settings: `gunicorn -c gunicorn.conf.py igf_catalogue.wsgi`."""

import multiprocessing
import os


def whole_number(name: str, default: int) -> int:
    """An empty value, as .env.example ships it, is the default."""
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return int(value)


# This host only: the proxy in front of the site runs here (set it to 0.0.0.0:8000 when it
# runs elsewhere, and name it in CATALOGUE_TRUSTED_PROXIES).
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# The usual rule of thumb for synchronous workers: two per core, plus one.
workers = whole_number("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
timeout = whole_number("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never take the site down.
max_requests = 2000
max_requests_jitter = 200
# With DJANGO_JSON_LOGS=1 the site writes its own JSON line per request instead.
json_logs = os.environ.get("DJANGO_JSON_LOGS", "").strip().lower() in {"1", "true", "yes", "on"}
accesslog = None if json_logs else "-"
errorlog = "-"
# gunicorn trusts X-Forwarded-Proto from the same proxies the site takes client addresses
# from (it accepts addresses, networks and "*" alike).
forwarded_allow_ips = os.environ.get("CATALOGUE_TRUSTED_PROXIES") or "127.0.0.1"
# No control socket (gunicorn 25 on): nothing here uses it, and every gunicorn of one
# user would share its path in the home directory.
control_socket_disable = True
