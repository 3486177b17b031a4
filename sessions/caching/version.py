"""The catalogue's version: a number that goes up whenever anything public changes.

Cached pages and values are keyed by it, so a changed catalogue is read under new keys
and no list of keys is ever kept. Signals on every catalogue model bump it; the importer
and bulk admin actions, which write without them, bump it once themselves. The number
lives in the database, which every worker and host shares; with a shared cache (Redis)
the cache holds a copy, moved on with the database's at each commit, and each process
keeps the number as long as Redis says it has not changed (`tracked_version`).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from sessions.models import CatalogueVersion, DailyViews, ProgrammeImport, WrittenViewBatch

from .tracked_version import tracked_key

VERSION_ROW = 1
# The copy of the version kept in a shared cache (CATALOGUE_VERSION_IN_CACHE).
VERSION_CACHE_KEY = "catalogue-version"
# Seconds the copy is trusted before it is read from the database again: a change made
# by a process that cannot move the copy on (a shell or command run without REDIS_URL,
# an editor's save while Redis was away) shows on every host within this time.
VERSION_CACHE_SECONDS = 5
# The apps whose models the public pages show.
CATALOGUE_APPS = {"catalogue", "strategies"}
# Written on every view counted, or as an import goes; never shown on a public page.
NOT_PUBLIC_CONTENT = {DailyViews, CatalogueVersion, ProgrammeImport, WrittenViewBatch}


# The version a visitor's request read first: all it reads is read at that version.
_request_version: ContextVar[int | None] = ContextVar("catalogue_request_version", default=None)
_reading_one_version: ContextVar[bool] = ContextVar("catalogue_reading_one_version", default=False)
# The version this process read last (see `catalogue_version`).
_last_read: int | None = None


def catalogue_version(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """The catalogue's current version: from the shared cache when there is one, else
    one query by primary key (none more while the page cache serves one request).

    While the database cannot be read, the version this process read last: nothing can
    change the catalogue meanwhile, and the pages kept under it go on being served.
    """
    global _last_read
    if (version := _request_version.get()) is not None:
        return version
    try:
        if settings.CATALOGUE_VERSION_IN_CACHE:
            version = _version_from_cache(using)
        else:
            version = _version_from_database(using)
    except DatabaseError:
        if _last_read is None:
            raise
        version = _last_read
    else:
        _last_read = version
    if _reading_one_version.get():
        _request_version.set(version)
    return version


def _version_from_database(using: str) -> int:
    numbers = (
        CatalogueVersion.objects.using(using)
        .filter(pk=VERSION_ROW)
        .values_list("number", flat=True)
    )
    return next(iter(numbers), 0)


def _version_from_cache(using: str) -> int:
    tracked = tracked_key(caches[DEFAULT_CACHE_ALIAS], VERSION_CACHE_KEY)
    if tracked is None:
        return _read_version_from_cache(using)
    return tracked.read(partial(_read_version_from_cache, using))


def _read_version_from_cache(using: str) -> int:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        # `add`, not `set`: a bump committed meanwhile has already put a newer number
        # there, and that one must stay.
        version = _version_from_database(using)
        if not cache.add(VERSION_CACHE_KEY, version, timeout=VERSION_CACHE_SECONDS):
            version = cache.get(VERSION_CACHE_KEY, version)
    return version


def _move_cached_version_on(using: str) -> None:
    """Once a bump is committed, move the cache's copy on with it: each bump adds one
    to both, so they stay equal whatever order the commits of several workers run in.
    (Adding keeps the copy's expiry: it is read from the database again in time.)"""
    try:
        cache.incr(VERSION_CACHE_KEY)
    except ValueError:
        # Gone from the cache (a restart): put the committed number there, over any
        # older one a reader may have copied just before this commit.
        cache.set(VERSION_CACHE_KEY, _version_from_database(using), timeout=VERSION_CACHE_SECONDS)


def bump_catalogue_version(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Announce a change now: every page cached before it is read no more."""
    _request_version.set(None)
    updated = (
        CatalogueVersion.objects.using(using).filter(pk=VERSION_ROW).update(number=F("number") + 1)
    )
    if not updated:
        CatalogueVersion.objects.using(using).get_or_create(pk=VERSION_ROW, defaults={"number": 1})
    if settings.CATALOGUE_VERSION_IN_CACHE:
        transaction.on_commit(partial(_move_cached_version_on, using), using=using)


def schedule_version_bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the version within the current transaction, so that the new number shows
    exactly when the change it announces does (and goes with it if it rolls back).

    Only editors and imports write the catalogue (counting views does not bump it), so
    the row's lock, held until the commit, never keeps a visitor waiting.
    """
    bump_catalogue_version(using=using)


_bumps_left_to_the_writer: ContextVar[bool] = ContextVar(
    "catalogue_bumps_left_to_the_writer", default=False
)


@contextmanager
def version_bumped_by_the_writer():
    """Within the block, saving and linking bump no version: the writer (the importer,
    saving thousands of sessions in one transaction) bumps it once itself."""
    token = _bumps_left_to_the_writer.set(True)
    try:
        yield
    finally:
        _bumps_left_to_the_writer.reset(token)


def _is_public_content(model) -> bool:
    return model._meta.app_label in CATALOGUE_APPS and model not in NOT_PUBLIC_CONTENT


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if _is_public_content(sender) and not _bumps_left_to_the_writer.get():
        schedule_version_bump(using=using)


def _links_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if (
        action in ("post_add", "post_remove", "post_clear")
        and _is_public_content(sender)
        and not _bumps_left_to_the_writer.get()
    ):
        schedule_version_bump(using=using)


def connect_signals() -> None:
    uid = "catalogue-version-"
    post_save.connect(_changed, dispatch_uid=f"{uid}saved")
    post_delete.connect(_changed, dispatch_uid=f"{uid}deleted")
    m2m_changed.connect(_links_changed, dispatch_uid=f"{uid}links")


@contextmanager
def reading_one_version():
    """Within the block, the catalogue version is read once and then remembered (within
    an outer block, as the outer block read it)."""
    if _reading_one_version.get():
        yield
        return
    tokens = (_request_version.set(None), _reading_one_version.set(True))
    try:
        yield
    finally:
        _request_version.reset(tokens[0])
        _reading_one_version.reset(tokens[1])
