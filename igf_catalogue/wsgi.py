"""WSGI entry point, used by gunicorn (see gunicorn.conf.py)."""

import logging
import os

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igf_catalogue.settings")

# The development key is public: sessions, password resets and the visitor hashes made
# with it could be forged or linked back to a visitor.
if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local work).")

application = get_wsgi_application()

# What `check --deploy` would say about security, said as the site starts too, so that
# a host started without running it (a proxy not trusted, HTTPS off) does not stay silent.
if not settings.DEBUG:
    for message in checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True):
        if message.is_serious(checks.WARNING) and not message.is_silenced():
            logging.getLogger(__name__).warning("%s", message)
