"""Settings for the test suite: the real settings with a fixed key and fast hashing."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-the-test-suite-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from igf_catalogue.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render pages without running collectstatic first.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the apps and static/ directly, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The admin's imports run in the request, on the test's connection and in its transaction.
CATALOGUE_IMPORTS_RUN = "in_request"
# Uploads of a test run go to a directory of their own, removed when it ends.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="catalogue-media-"))  # noqa: F405
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
