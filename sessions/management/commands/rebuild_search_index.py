from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from sessions.search import REFRESH_BATCH, is_postgresql, refresh_all_search_vectors


class Command(BaseCommand):
    help = (
        "Recompute every session's full-text search vector (PostgreSQL), in batches: for "
        "after a bulk load that bypassed the importer. Saves, imports and edits keep the "
        "vectors current by themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=REFRESH_BATCH,
            help=f"Sessions per transaction (default {REFRESH_BATCH}).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, batch_size: int, database: str, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not is_postgresql(database):
            self.stdout.write("Nothing to do: full-text search vectors exist on PostgreSQL only.")
            return

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"{done} of {total} sessions")

        count = refresh_all_search_vectors(batch_size=batch_size, using=database, progress=progress)
        self.stdout.write(f"Search vectors rebuilt for {count} sessions.", self.style.SUCCESS)
