"""Reading the catalogue from a replica (enabled by DATABASE_REPLICA_URL).

Only the catalogue's own data (sessions, venues, speakers, strategies...) is read
from the replica: public pages are most of the traffic and a second or two of
replication lag does them no harm. Everything else (logins, editors' sessions,
django-axes, the visitor cache table) reads where it writes, on "default", and
every write goes to "default"; the view counter writes there too.
"""

REPLICA = "replica"
PRIMARY = "default"
REPLICATED_APPS = frozenset({"catalogue", "strategies"})


class ReadReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in REPLICATED_APPS:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same database, so any two objects may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema; migrations run on the primary only.
        return db == PRIMARY
