from django.core.management.base import BaseCommand, CommandError

from sessions.demo.synthetic import BATCH_SIZE, generate_catalogue


class Command(BaseCommand):
    help = (
        "Add a synthetic catalogue of N sessions (with meetings, venues, types, topics, speakers, "
        "tags, transcripts, links and daily views) for benchmarks; see bench/README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=100_000, help="default 100,000")
        parser.add_argument("--seed", type=int, default=2006, help="the same seed, the same data")
        parser.add_argument(
            "--speakers", type=int, default=None, help="default one per five sessions, ≤ 20,000"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, sessions, seed, speakers, batch_size, verbosity, **options):
        if sessions < 1 or batch_size < 1:
            raise CommandError("--sessions and --batch-size must be at least 1.")
        result = generate_catalogue(
            sessions=sessions,
            seed=seed,
            speakers=speakers,
            batch_size=batch_size,
            progress=self.stdout.write if verbosity >= 2 else None,
        )
        self.stdout.write(
            f"{result.sessions} sessions in {result.seconds:.1f} s "
            f"({result.sessions_per_second:.0f} sessions/s), search vectors in "
            f"{result.search_seconds:.1f} s: {result.speakers} speakers, "
            f"{result.participants} participants, {result.transcripts} transcripts, "
            f"{result.recordings} recordings, {result.documents} documents, "
            f"{result.related} related links, {result.daily_views} daily view rows.",
            self.style.SUCCESS,
        )
