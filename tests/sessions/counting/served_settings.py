"""The production settings (igf_catalogue/settings.py) for a site that a test serves
from processes of its own (test_counting_on_sqlite.py). Only the static files differ:
they come from the source, as in development, so that no `collectstatic` is needed
before the site serves a page."""

from igf_catalogue.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
