from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from sessions.search import REFRESH_BATCH, refresh_all_search_vectors


class Command(BaseCommand):
    help = (
        "Recompute every session's words for full-text search (PostgreSQL's vectors, SQLite's "
        "FTS5 table), in batches: for after a bulk load that bypassed the importer. Saves, "
        "imports and edits keep them current by themselves."
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

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"{done} of {total} sessions")

        count = refresh_all_search_vectors(batch_size=batch_size, using=database, progress=progress)
        self.stdout.write(f"Search index rebuilt for {count} sessions.", self.style.SUCCESS)
