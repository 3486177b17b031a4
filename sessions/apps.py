from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_visitor_cache_table(**kwargs):
    # Returning visitors are remembered in a database cache table without Redis, and
    # while Redis is out of reach: creating it after every migrate, whatever REDIS_URL
    # says then, means `migrate` alone sets up a site.
    from django.core.management import call_command

    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class SessionsConfig(AppConfig):
    name = "sessions"
    # `django.contrib.sessions` already uses the label "sessions".
    label = "catalogue"
    verbose_name = _("Sessions")

    def ready(self):
        from sessions import search
        from sessions.caching import version

        post_migrate.connect(create_visitor_cache_table, sender=self)
        search.connect_signals()
        version.connect_signals()
