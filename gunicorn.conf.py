"""gunicorn settings: `gunicorn -c gunicorn.conf.py igf_catalogue.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The usual rule of thumb for synchronous workers: two per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never take the site down.
max_requests = 2000
max_requests_jitter = 200
# With DJANGO_JSON_LOGS=1 the site writes its own JSON line per request instead.
json_logs = os.environ.get("DJANGO_JSON_LOGS", "").strip().lower() in {"1", "true", "yes", "on"}
accesslog = None if json_logs else "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
