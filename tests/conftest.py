import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

IN_CI = bool(os.environ.get("CI"))


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def pytest_configure(config):
    """Compile the translations when a .po file is newer than its .mo (or it has none), so
    that `pytest` alone tests the interface's languages as they are in the source. Done
    once, before any xdist worker starts."""
    if not hasattr(config, "workerinput"):
        compile_translations()


def compile_translations() -> None:
    for po in sorted(
        (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/*.po")
    ):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            if shutil.which("msgfmt") is None:
                raise pytest.UsageError("Compiling the translations needs gettext's msgfmt.")
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are left out of a SQLite run and SQLite-only tests out of a
    PostgreSQL run (each runs in the other)."""
    from django.conf import settings

    on_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    other = "sqlite" if on_postgresql else "postgres"
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(other) else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# Lines tests report for the end of the run (each adds ("summary", line) to its
# user_properties): read from the reports, so they also come back from xdist workers.
SUMMARY_LINES: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        SUMMARY_LINES.extend(value for name, value in report.user_properties if name == "summary")


def pytest_terminal_summary(terminalreporter):
    if SUMMARY_LINES:
        terminalreporter.section("summary from the tests")
        for line in SUMMARY_LINES:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _clear_caches():
    """Each test starts with empty in-memory caches, whatever the one before rendered.

    The database cache needs no clearing: it rolls back with each test's transaction.
    """
    from sessions.caching.kept_answers import forget_kept_answers
    from sessions.caching.page_cache import forget_recently_kept

    for cache in caches.all():
        if not cache.__class__.__name__.startswith("DatabaseCache"):
            cache.clear()
    # Each test's catalogue starts again at version 0, as no real one ever does.
    forget_recently_kept()
    forget_kept_answers()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Spanish leaves Spanish active in its thread (LocaleMiddleware does
    not switch back); the next test starts in the default language whatever ran before."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def fresh_logging(settings):
    """Logging as a process that has just started has it: the filters that hold repeated
    lines back (igf_catalogue/log_throttle.py) have let nothing through yet. Made before
    the test's own log capture starts, which configuring logging would remove."""
    import logging
    import logging.config

    for name in settings.LOGGING.get("loggers", {}):
        logging.getLogger(name).filters.clear()
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def annual_meetings(db):
    """The twenty annual IGFs, each at its venue, as every catalogue holds them (the
    migration to meetings and the demo data make them): the meetings an import file's
    sessions belong to when they name none."""
    from sessions.demo.loading import DEMO_DIR, LoadCounts, VenueLoader, load_meetings

    return load_meetings(
        path=DEMO_DIR / "igf-meetings.csv", venues=VenueLoader(LoadCounts()), counts=LoadCounts()
    )
