"""The optional read replica (DATABASE_REPLICA_URL): the catalogue reads from it,
every write and everything about logins and visitors stays on the primary."""

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session as LoginSession
from django.core.cache.backends.db import DatabaseCache

from igf_catalogue.db_routers import ReadReplicaRouter
from sessions.models import DailyViews, Session, Venue
from strategies.models import Strategy
from tests.production import run_script_in_production

ROUTER = ReadReplicaRouter()


def test_the_catalogue_is_read_from_the_replica_and_written_to_the_primary():
    for model in (Session, Venue, DailyViews, Strategy):
        assert ROUTER.db_for_read(model) == "replica"
        assert ROUTER.db_for_write(model) == "default"


def test_logins_and_the_visitor_cache_stay_on_the_primary():
    """A visitor recognised on the primary must be found there again: reading the
    visitor cache from a lagging replica would count repeat views."""
    visitor_cache_model = DatabaseCache("catalogue_visitor_cache", {}).cache_model_class
    for model in (User, LoginSession, visitor_cache_model):
        assert ROUTER.db_for_read(model) == "default"


def test_migrations_run_on_the_primary_only():
    assert ROUTER.allow_migrate("default", "catalogue")
    assert not ROUTER.allow_migrate("replica", "catalogue")


def test_the_replica_is_configured_only_when_its_url_is_set():
    assert "replica" not in settings.DATABASES
    result = run_script_in_production(
        "from django.conf import settings; "
        "from django.db import router; from sessions.models import Session; "
        "print(settings.DATABASES['replica']['HOST'], settings.DATABASE_ROUTERS[0], "
        "Session.objects.all().db, router.db_for_write(Session))",
        DATABASE_URL="postgres://igf@primary.internal:5432/igf",
        DATABASE_REPLICA_URL="postgres://igf@replica.internal:5432/igf",
    )
    assert result.stdout.split() == [
        "replica.internal",
        "igf_catalogue.db_routers.ReadReplicaRouter",
        "replica",
        "default",
    ], result.stderr
