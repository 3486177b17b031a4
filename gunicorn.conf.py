"""gunicorn settings: `gunicorn -c gunicorn.conf.py igf_catalogue.wsgi`."""

import multiprocessing
import os

# This host only: the proxy in front of the site runs here (set it to 0.0.0.0:8000 when it
# runs elsewhere, and name it in CATALOGUE_TRUSTED_PROXIES).
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# The usual rule of thumb for synchronous workers: two per core, plus one. An empty value,
# as in .env.example, means the same.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or "30")
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
