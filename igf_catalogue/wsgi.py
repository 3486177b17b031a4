"""WSGI entry point, used by gunicorn (see gunicorn.conf.py)."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igf_catalogue.settings")

# The development key is public: sessions, password resets and the visitor hashes made
# with it could be forged or linked back to a visitor.
if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local work).")

application = get_wsgi_application()
