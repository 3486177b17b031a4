import os

import pytest
from django.core.cache import caches
from django.db import connection

IN_CI = bool(os.environ.get("CI"))


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are left out of a SQLite run (they run in the PostgreSQL one)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _clear_caches():
    """Each test starts with empty in-memory caches, whatever the one before rendered.

    The database cache needs no clearing: it rolls back with each test's transaction.
    """
    for cache in caches.all():
        if not cache.__class__.__name__.startswith("DatabaseCache"):
            cache.clear()
    yield
