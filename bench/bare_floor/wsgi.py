"""The bare floor's WSGI application: `gunicorn -c gunicorn.conf.py bench.bare_floor.wsgi`
(bench/run starts it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare_floor.settings")

application = get_wsgi_application()
