import logging
import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from redis.exceptions import RedisError

from sessions.counting.batches import ViewWriter
from sessions.counting.in_redis import is_counting_in_redis

logger = logging.getLogger("sessions.counting.batches")


class Command(BaseCommand):
    help = (
        "Write the views counted in Redis to the database, every second until stopped "
        "(or once, with --once, e.g. from cron). Needed whenever REDIS_URL is set: "
        "without it views are written as they are counted, and this has nothing to do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Write what is pending now, then stop."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between batches (default 1).",
        )
        parser.add_argument(
            "--heartbeat",
            type=Path,
            help="A file touched after each pass that wrote (or found nothing to write), "
            "for a health check.",
        )

    def handle(self, *args, once: bool, interval: float, heartbeat: Path | None, **options):
        if interval <= 0:
            raise CommandError("--interval must be more than 0.")
        if not is_counting_in_redis():
            self.stdout.write(
                "Nothing to do: without REDIS_URL views are written as they are counted."
            )
            return
        writer = ViewWriter()
        if once:
            try:
                written = writer.write_pending(until_empty=True)
            except (DatabaseError, RedisError) as error:
                raise CommandError(f"Views not written, still kept in Redis: {error}") from error
            self.stdout.write(f"Wrote {written} views.")
            return
        stopping = threading.Event()
        # docker stop and Ctrl-C: the batch being written is finished first.
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stopping.set())
        self.stdout.write(f"Writing views every {interval:g} s.")
        self.stdout.flush()  # to a log file, at once
        while not stopping.is_set():
            try:
                writer.write_pending()
            except (DatabaseError, RedisError) as error:
                # Kept where it is and tried again: nothing is lost meanwhile.
                logger.warning("Views not written yet, trying again: %s", error)
                connection.close()
            else:
                if heartbeat is not None:
                    heartbeat.touch()
            stopping.wait(interval)
