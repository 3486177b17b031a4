"""Fault checks under load: the database stopping, a gunicorn worker dying, several
hosts, and the process that writes views to the database dying.

    bench/faults [--connections 6] [--outage 10] [--workers 3] [--no-redis]

Starts a private PostgreSQL (initdb into a temporary directory, on its own port;
never the server anything else uses) and a private Redis, migrates the database and
loads the demo data, serves the site with gunicorn and the production settings, runs
`manage.py write_views` beside it (with Redis a view is counted there and written to
PostgreSQL by that process, in batches), and keeps it busy with a few browser-like
clients reading session pages and the session list and searching. Then:

A. Stops PostgreSQL for --outage seconds and starts it again. Expected: session pages
   kept in the cache still served and their views counted (a page not kept, and a
   search, are 503 pages in the site's layout), never a 500 or a traceback; 200s again
   within seconds of the restart, restarting neither gunicorn nor the writer; every
   view the site acknowledged (`X-View-Counted: 1`) in the database once the writer
   has caught up, none twice.
B. Kills one gunicorn worker with SIGKILL. Expected: only the request that worker
   was serving fails (a sync worker serves one at a time); the master starts a new
   worker.
C. Starts a second gunicorn "host" and a second writer on the same PostgreSQL and Redis,
   and has visitors read the same pages from both hosts at once. Expected: each
   visitor's view of a session counted once, whichever host served it and whichever
   writer wrote it, both hosts show the same count, and an edit shows on both at once.
D. Kills the writer with SIGKILL under load, several times, mid-batch among them, and
   starts it again each time. Expected: no request fails, the batches the killed
   writers held are taken over, and every view acknowledged is in the database once.

Without Redis (--no-redis, or no redis-server), views are written as they are counted:
A then expects 503 for every session page during the outage, and C and D are skipped.

Prints one table and exits non-zero if an expectation failed. Run as root (it runs
PostgreSQL as the postgres user) or as the user that owns the PostgreSQL binaries.
"""

import argparse
import collections
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from private_servers import PrivatePostgres, PrivateRedis, free_port  # bench/private_servers.py
from report import Report  # bench/report.py, beside this script
from view_writers import ViewsInRedis, Writer, write_once  # bench/view_writers.py

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "igf_faults"
# sessions/counting/batches.py: a batch a dead writer claimed is taken over this long after.
LEASE_SECONDS = 10
# How long views may wait in Redis after the load: a lease, and time to write.
CATCH_UP_SECONDS = LEASE_SECONDS + 20


@dataclass
class Answer:
    started: float
    finished: float
    kind: str
    status: str  # "200", "503", ... or "error: <what>"
    counted: bool = False
    body_sample: str = ""
    path: str = ""


@dataclass
class LoadGenerator:
    """Clients that each request a session page, the list or a search, one at a time."""

    host: str
    port: int
    slugs: list[str]
    connections: int
    answers: list[Answer] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    visitors: itertools.count = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def one_request(self, rng: random.Random) -> Answer:
        # Each request is a new visitor, so every session page view is one to count.
        visitor = next(self.visitors)
        draw = rng.random()
        if draw < 0.65:
            kind, path = "session page", f"/sessions/{rng.choice(self.slugs)}/"
        elif draw < 0.9:
            kind, path = "session list", f"/sessions/?page={rng.randint(1, 3)}"
        else:
            # Other words each time: never in the cache, it always needs the database.
            kind, path = "search", f"/sessions/?q=internet+governance+{visitor}"
        headers = {
            "User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0 visitor/{visitor}",
            "X-Forwarded-For": visitor_address(visitor),
        }
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            status = str(response.status)
            counted = response.getheader("X-View-Counted") == "1"
            sample = body.decode(errors="replace") if response.status >= 500 else ""
        except (OSError, http.client.HTTPException) as error:
            status, counted, sample = f"error: {type(error).__name__}", False, ""
        finally:
            connection.close()
        return Answer(started, time.monotonic(), kind, status, counted, sample, path)

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop_event.is_set():
            answer = self.one_request(rng)
            with self.lock:
                self.answers.append(answer)

    def wait_until_answered(self, paths: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if paths <= {a.path for a in self.answers if a.status == "200"}:
                    return
            time.sleep(0.1)

    @contextlib.contextmanager
    def running(self):
        threads = [
            threading.Thread(target=self.client, args=(seed,), daemon=True)
            for seed in range(self.connections)
        ]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self.stop_event.set()
            for thread in threads:
                thread.join(timeout=30)


class Writers:
    """The `manage.py write_views` processes, each started anew when one is killed, as a
    supervisor (docker's restart policy) would."""

    def __init__(self, environment: dict, directory: Path):
        # The site's environment; at DEBUG the writer logs each batch it writes.
        self.environment = {**environment, "DJANGO_LOG_LEVEL": "DEBUG"}
        self.directory = directory
        self.running: list[Writer] = []
        self.started = 0

    def start(self) -> Writer:
        self.started += 1
        log = self.directory / f"write-views-{self.started}.log"
        self.running.append(Writer(self.environment, log).start())
        return self.running[-1]

    def replace(self, writer: Writer) -> Writer:
        self.running.remove(writer)
        return self.start()

    def stop(self, writer: Writer) -> int | None:
        self.running.remove(writer)
        return writer.stop()

    def stop_all(self) -> list[int | None]:
        return [self.stop(writer) for writer in list(self.running)]


def batches_written(writer: Writer) -> int:
    """The batches `writer` wrote: its log's "Wrote N views of M sessions" lines."""
    return writer.log.read_text(errors="replace").count("Wrote ")


def statuses(answers: list[Answer]) -> str:
    counts = collections.Counter(answer.status for answer in answers)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counts.items())) or "none"


def total_views(database_url: str, slugs: list[str]) -> tuple[int, int]:
    """The sessions' totals and their daily rows, summed, read from the database."""
    with psycopg.connect(database_url) as connection:
        views = connection.execute(
            "SELECT coalesce(sum(views), 0) FROM catalogue_session WHERE slug = ANY(%s)", [slugs]
        ).fetchone()[0]
        daily = connection.execute(
            "SELECT coalesce(sum(d.views), 0) FROM catalogue_dailyviews d "
            "JOIN catalogue_session s ON s.id = d.session_id WHERE s.slug = ANY(%s)",
            [slugs],
        ).fetchone()[0]
    return int(views), int(daily)


def caught_up(in_redis: ViewsInRedis | None) -> float | None:
    """Seconds until the writers had written every view counted (0 without Redis:
    views are written as they are counted), or None if some were still waiting."""
    return 0.0 if in_redis is None else in_redis.wait_until_written(CATCH_UP_SECONDS)


def stored_text(acknowledged: int, stored: tuple[int, int], waited: float | None) -> str:
    text = f"{acknowledged} / {stored[0]}, {stored[1]}"
    if waited is None:
        return f"{text}, NOT all written {CATCH_UP_SECONDS} s after"
    return f"{text} (all written {waited:.1f} s after the load)" if waited else text


def grown(before: tuple[int, int], after: tuple[int, int]) -> tuple[int, int]:
    return after[0] - before[0], after[1] - before[1]


def wait_until_up(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {path} within {timeout:.0f} s")


def worker_pids(master_pid: int) -> list[int]:
    output = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout
    return sorted(int(pid) for pid in output.split())


def database_outage(args, postgres, load, database_url, slugs, report, in_redis) -> None:
    views_before = total_views(database_url, slugs)
    with load.running():
        time.sleep(args.warm_up)
        # Each session page answered once (so kept in the cache) before the stop, however
        # slowly the workers start on a busy machine.
        load.wait_until_answered({f"/sessions/{slug}/" for slug in slugs}, timeout=60)
        stop_began = time.monotonic()
        postgres.stop()
        stopped = time.monotonic()
        time.sleep(args.outage)
        # Counted in Redis while the writer could not write them.
        waiting = in_redis.left() if in_redis else 0
        start_began = time.monotonic()
        postgres.start()
        restarted = time.monotonic()
        time.sleep(args.after)
    answers = list(load.answers)
    waited = caught_up(in_redis)
    stored = grown(views_before, total_views(database_url, slugs))

    before = [a for a in answers if a.finished < stop_began]
    # Until the start began: pg_ctl returns a moment after the server accepts connections.
    during = [a for a in answers if a.started >= stopped and a.finished <= start_began]
    after = [a for a in answers if a.started >= restarted]
    # Of a search, which always needs the database.
    first_ok = min(
        (a.finished for a in after if a.status == "200" and a.kind == "search"), default=None
    )
    outage_pages = [a for a in during if a.status == "503"]
    server_errors = [a for a in answers if a.status == "500"]
    tracebacks = [a for a in answers if "Traceback" in a.body_sample]
    acknowledged = sum(1 for a in answers if a.status == "200" and a.counted)

    print(f"\nA. PostgreSQL stopped for {restarted - stopped:.1f} s under load")
    print(f"   before the stop: {statuses(before)}")
    print(f"   database down:   {statuses(during)}")
    print(f"   after restart:   {statuses(after)}")
    session_pages = [a for a in during if a.kind == "session page"]
    counted = sum(1 for a in session_pages if a.status == "200" and a.counted)
    if in_redis:
        # A page kept in the cache, whose total Redis holds, needs no database: served, and
        # its view counted in Redis. One not served before the stop is not kept: 503.
        served_before = {a.path for a in before if a.status == "200"}
        not_kept = {a.path for a in session_pages if a.status == "503"}
        report.check(
            "A: session pages while the database is down",
            f"{statuses(session_pages)}; {counted} counted; 503 on {len(not_kept)} pages, "
            f"{len(not_kept & served_before)} of them served before",
            "200, counted (503 if not kept)",
            counted > 0
            and not not_kept & served_before
            and all(a.status == "503" or (a.status == "200" and a.counted) for a in session_pages),
        )
    else:
        # Without Redis a session page must store its view in the database: 503.
        report.check(
            "A: session pages while the database is down",
            statuses(session_pages),
            "503 only",
            bool(session_pages) and all(a.status == "503" for a in session_pages),
        )
    list_pages = [a for a in during if a.kind == "session list"]
    report.check(
        "A: list pages while the database is down",
        statuses(list_pages),
        "200 (kept) or 503",
        all(a.status in ("200", "503") for a in list_pages),
    )
    searches = [a for a in during if a.kind == "search"]
    report.check(
        "A: searches while the database is down",
        statuses(searches),
        "503 only",
        bool(searches) and all(a.status == "503" for a in searches),
    )
    in_layout = all(
        'class="site-header"' in a.body_sample and "briefly unavailable" in a.body_sample
        for a in outage_pages
    )
    report.check(
        "A: 503 page in the site's layout",
        f"{len(outage_pages)} pages, layout {'yes' if in_layout else 'NO'}",
        "every one",
        bool(outage_pages) and in_layout,
    )
    report.check("A: 500 answers", str(len(server_errors)), "0", not server_errors)
    report.check("A: tracebacks shown", str(len(tracebacks)), "0", not tracebacks)
    recovery = "never" if first_ok is None else f"{first_ok - restarted:.2f} s"
    report.check(
        "A: first search after the restart",
        recovery,
        f"< {args.recovery_limit:g} s, no gunicorn restart",
        first_ok is not None and first_ok - restarted < args.recovery_limit,
    )
    late = [a for a in after if a.started >= restarted + args.recovery_limit]
    report.check(
        f"A: answers from {args.recovery_limit:g} s after the restart",
        statuses(late),
        "200 only",
        bool(late) and all(a.status == "200" for a in late),
    )
    if in_redis:
        print(f"   views counted in Redis, not yet written, at the restart: {waiting}")
    report.check(
        "A: views acknowledged / stored (total, daily)",
        stored_text(acknowledged, stored, waited),
        "all equal",
        waited is not None and acknowledged == stored[0] == stored[1],
    )


def worker_killed(args, gunicorn_pid, load, database_url, slugs, report, in_redis) -> None:
    views_before = total_views(database_url, slugs)
    workers_before = worker_pids(gunicorn_pid)
    victim = random.Random(1).choice(workers_before)
    with load.running():
        time.sleep(args.warm_up)
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        time.sleep(args.after)
    answers = list(load.answers)
    waited = caught_up(in_redis)
    stored = grown(views_before, total_views(database_url, slugs))
    workers_after = worker_pids(gunicorn_pid)

    failed = [a for a in answers if a.status != "200"]
    in_flight = [a for a in failed if a.started <= killed_at <= a.finished]
    acknowledged = sum(1 for a in answers if a.status == "200" and a.counted)

    print(f"\nB. gunicorn worker {victim} killed (SIGKILL) under load")
    print(f"   answers: {statuses(answers)}")
    report.check(
        "B: failed requests",
        f"{len(failed)} ({statuses(failed)})",
        "<= 1, the one in flight",
        len(failed) <= 1 and len(failed) == len(in_flight),
    )
    report.check(
        "B: workers after the kill",
        f"{len(workers_after)} (was {len(workers_before)})",
        "replaced",
        len(workers_after) == len(workers_before) and victim not in workers_after,
    )
    # A view the killed worker counted but could not acknowledge is stored, not lost.
    report.check(
        "B: views acknowledged / stored (total, daily)",
        stored_text(acknowledged, stored, waited),
        "stored - acknowledged in 0..1",
        waited is not None
        and stored[0] == stored[1]
        and 0 <= stored[0] - acknowledged <= len(in_flight),
    )


def start_gunicorn(environment: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    environment["GUNICORN_WORKERS"] = str(workers)
    # No worker is recycled after so many requests (gunicorn.conf.py's max_requests):
    # during the checks, a worker that goes must be the one killed.
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"),
            *("--max-requests", "0", "igf_catalogue.wsgi"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_until_up(port)
    wait_until_up(port, "/readyz")
    return process


def shown_view_count(port: int, slug: str) -> tuple[int, str]:
    """The count a host's page shows (to a robot, whose view is not counted), and its title."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", f"/sessions/{slug}/", headers={"User-Agent": "faults-robot/1.0"})
    page = connection.getresponse().read().decode()
    connection.close()
    count = re.search(r'"userInteractionCount": (\d+)', page)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    return int(count.group(1)) if count else -1, title.group(1).strip() if title else ""


def visitor_address(n: int) -> str:
    """Visitor `n`'s address, in 198.18.0.0/15 (kept for benchmarks): the counter takes at
    most a few views of a session from one address."""
    return f"198.{18 + n // 65536 % 2}.{n // 256 % 256}.{n % 256}"


def several_hosts(args, ports, environment, database_url, slugs, report, writers, in_redis):
    views_before = total_views(database_url, slugs)
    batches_before = [batches_written(writer) for writer in writers]
    visitors = [
        {
            "User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0 reader/{n}",
            "X-Forwarded-For": visitor_address(n),
        }
        for n in range(20)
    ]
    # Every visitor reads every page twice from each host, all in a shuffled order.
    requests = [
        (port, visitor, slug)
        for visitor in visitors
        for slug in slugs
        for port in ports
        for _ in range(2)
    ]
    random.Random(2).shuffle(requests)

    def fetch(request) -> tuple[str, bool]:
        port, visitor, slug = request
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.request("GET", f"/sessions/{slug}/", headers=visitor)
            response = connection.getresponse()
            response.read()
            return str(response.status), response.getheader("X-View-Counted") == "1"
        except (OSError, http.client.HTTPException) as error:
            return f"error: {type(error).__name__}", False
        finally:
            connection.close()

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.connections) as pool:
        results = list(pool.map(fetch, requests))
    took = time.monotonic() - began
    waited = caught_up(in_redis)
    stored = grown(views_before, total_views(database_url, slugs))
    acknowledged = sum(1 for status, counted in results if status == "200" and counted)
    expected = len(visitors) * len(slugs)
    batches = [batches_written(w) - n for w, n in zip(writers, batches_before, strict=True)]

    print(
        f"\nC. {len(ports)} hosts and {len(writers)} writers, {len(visitors)} visitors reading "
        f"{len(slugs)} pages 4 times each, in {took:.1f} s"
    )
    print(f"   answers: {statuses([Answer(0, 0, '', status) for status, _ in results])}")
    print(f"   batches written by each writer: {' / '.join(map(str, batches))}")
    report.check(
        "C: views counted (acknowledged / stored, daily)",
        stored_text(acknowledged, stored, waited),
        f"{expected}, once per visitor and page",
        waited is not None and acknowledged == stored[0] == stored[1] == expected,
    )
    shown = [shown_view_count(port, slugs[0])[0] for port in ports]
    report.check(
        "C: view count each host shows",
        " / ".join(map(str, shown)),
        "the same",
        len(set(shown)) == 1 and shown[0] >= 0,
    )
    new_title = f"Renamed while cached {secrets.token_hex(3)}"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from sessions.models import Session; "
         f"s = Session.objects.get(slug={slugs[0]!r}); s.title = {new_title!r}; s.save()"],
        cwd=ROOT, env=environment, check=True, capture_output=True,
    )  # fmt: skip
    titles = [shown_view_count(port, slugs[0])[1] for port in ports]
    report.check(
        "C: an edit, seen from each host at once",
        "both" if all(new_title in title for title in titles) else " / ".join(titles),
        "both",
        all(new_title in title for title in titles),
    )


# How the writer is killed in D, in turn.
RANDOM_MOMENT = "at a random moment"
PAUSED = "paused as it claims a batch"
STATEMENT_WAITING = "its statement waiting in PostgreSQL"
KILLS = (RANDOM_MOMENT, PAUSED, STATEMENT_WAITING, RANDOM_MOMENT, PAUSED, STATEMENT_WAITING)
BETWEEN_BATCHES = "between batches"


def writer_killed(args, writers, in_redis, load, database_url, slugs, report) -> None:
    views_before = total_views(database_url, slugs)
    rng = random.Random(3)
    outcomes = []
    print(f"\nD. the writer killed (SIGKILL) {len(KILLS)} times under load, started again")
    with load.running(), psycopg.connect(database_url, autocommit=True) as db:
        time.sleep(args.warm_up)
        for way in KILLS:
            (writer,) = writers.running
            seen = in_redis.claims()
            if way == RANDOM_MOMENT:
                time.sleep(rng.uniform(0, 1))
                writer.kill()
            elif way == PAUSED:
                # Stopped the moment it has claimed a batch, then killed: it dies holding it,
                # wherever it was in writing it.
                in_redis.wait_for_new_claim(seen, timeout=5)
                writer.pause()
                time.sleep(rng.uniform(0, 0.3))
                writer.kill()
            else:
                # Its statement held up on a lock until the writer is dead; PostgreSQL then
                # goes on with it, so the batch is written but Redis is never told.
                with db.transaction():
                    db.execute("LOCK TABLE catalogue_writtenviewbatch IN SHARE ROW EXCLUSIVE MODE")
                    statement_waiting(db, timeout=5)
                    writer.kill()
            time.sleep(0.5)  # what PostgreSQL had of it is done, or undone
            outcomes.append(kill_outcome(db, in_redis, seen))
            print(f"   writer {writer.pid} killed {way}: {outcomes[-1]}")
            writers.replace(writer)
            time.sleep(rng.uniform(0.5, 1.5))
        time.sleep(args.after)
    answers = list(load.answers)
    waited = caught_up(in_redis)
    stored = grown(views_before, total_views(database_url, slugs))

    failed = [a for a in answers if a.status != "200"]
    acknowledged = sum(1 for a in answers if a.status == "200" and a.counted)
    mid_batch = [outcome for outcome in outcomes if outcome != BETWEEN_BATCHES]
    print(f"   answers: {statuses(answers)}")
    report.check(
        "D: writer killed and started again",
        ", ".join(f"{n} {outcome}" for outcome, n in collections.Counter(outcomes).items()),
        "mid-batch (holding one) among them",
        bool(mid_batch),
    )
    report.check("D: failed requests", str(len(failed)), "0", not failed)
    report.check(
        "D: batches left claimed by a killed writer",
        "none left" if waited is not None else "STILL CLAIMED",
        f"taken over (after {LEASE_SECONDS} s)",
        waited is not None,
    )
    report.check(
        "D: views acknowledged / stored (total, daily)",
        stored_text(acknowledged, stored, waited),
        "all equal",
        waited is not None and acknowledged == stored[0] == stored[1],
    )


def statement_waiting(db, timeout: float) -> bool:
    """Whether a statement (the writer's) came to wait for the lock on the written batches."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # pg_locks is read live (pg_stat_activity would be read once a transaction).
        waiting = db.execute(
            "SELECT count(*) FROM pg_locks "
            "WHERE relation = 'catalogue_writtenviewbatch'::regclass AND NOT granted"
        ).fetchone()[0]
        if waiting:
            return True
        time.sleep(0.01)
    return False


def kill_outcome(db, in_redis, seen: dict[str, float]) -> str:
    """What a killed writer left: the batch it held, in the database or not, or nothing."""
    held = [name for name, score in in_redis.claims().items() if seen.get(name) != score]
    if not held:
        return BETWEEN_BATCHES
    written = db.execute(
        "SELECT count(*) FROM catalogue_writtenviewbatch WHERE key = ANY(%s)", [held]
    ).fetchone()[0]
    return "holding a batch it had written" if written else "holding a batch not written"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=6, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--outage", type=float, default=10, help="seconds PostgreSQL is down")
    parser.add_argument("--warm-up", type=float, default=5, help="seconds of load before a fault")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after a fault")
    parser.add_argument("--recovery-limit", type=float, default=5, help="seconds to recover")
    parser.add_argument(
        "--no-redis", action="store_true", help="without Redis: views written as counted"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="igf-faults-"))
    postgres = PrivatePostgres(directory, free_port())
    redis = None
    writers = None
    gunicorn = None
    second_host = None
    report = Report()
    try:
        print(f"Private PostgreSQL on port {postgres.port} in {directory}")
        postgres.initdb()
        postgres.start()
        postgres.run(
            str(postgres.bin / "createdb"), "-h", "127.0.0.1", "-p", str(postgres.port),
            "-U", "postgres", DATABASE,
        )  # fmt: skip
        database_url = postgres.url(DATABASE)

        # Production settings, with static files collected into the temporary directory.
        (directory / "faults_settings.py").write_text(
            "from igf_catalogue.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(directory / 'static')!r}\n"
        )
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "CATALOGUE_"))
        }
        environment.update(
            DJANGO_SETTINGS_MODULE="faults_settings",
            PYTHONPATH=os.pathsep.join([str(directory), str(ROOT)]),
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            DATABASE_URL=database_url,
            # Each visitor comes from an address of its own (visitor_address).
            CATALOGUE_TRUSTED_PROXIES="127.0.0.1",
        )
        if not args.no_redis and shutil.which("redis-server"):
            redis = PrivateRedis(free_port())
            environment["REDIS_URL"] = redis.url()
        manage = [sys.executable, "manage.py"]
        for command in (
            ["migrate", "--noinput"],
            ["load_demo_data"],
            ["collectstatic", "--noinput"],
        ):
            subprocess.run(
                manage + command, cwd=ROOT, env=environment, check=True, capture_output=True
            )
        in_redis = ViewsInRedis(environment) if redis else None

        port = free_port()
        gunicorn = start_gunicorn(environment, port, args.workers, directory / "gunicorn.log")
        if redis:
            writers = Writers(environment, directory)
            writer = writers.start()
        with psycopg.connect(database_url) as connection:
            slugs = [
                row[0]
                for row in connection.execute(
                    "SELECT slug FROM catalogue_session WHERE status = 'published' "
                    "ORDER BY date DESC, id LIMIT 12"
                )
            ]
        print(
            f"gunicorn (pid {gunicorn.pid}, {args.workers} workers) on port {port}; "
            f"{args.connections} clients on {len(slugs)} session pages, the list and searches; "
            + (
                f"views counted in a private Redis, written by write_views (pid {writer.pid})"
                if redis
                else "no Redis: views written as counted, the cache per worker"
            )
        )

        def load() -> LoadGenerator:
            return LoadGenerator("127.0.0.1", port, slugs, args.connections)

        database_outage(args, postgres, load(), database_url, slugs, report, in_redis)
        report.check(
            "A: gunicorn master restarted",
            "no" if gunicorn.poll() is None else "it exited",
            "no",
            gunicorn.poll() is None,
        )
        if writers:
            report.check(
                "A: writer restarted",
                "no" if writer.running else "it exited",
                "no",
                writer.running,
            )
        worker_killed(args, gunicorn.pid, load(), database_url, slugs, report, in_redis)
        if redis:
            second_port = free_port()
            second_host = start_gunicorn(
                environment, second_port, 2, directory / "gunicorn-second-host.log"
            )
            second_writer = writers.start()
            several_hosts(
                args,
                [port, second_port],
                environment,
                database_url,
                slugs,
                report,
                [writer, second_writer],
                in_redis,
            )
            # One writer again: D tells its claims from the others' by there being none.
            second_stopped = writers.stop(second_writer)
            writer_killed(args, writers, in_redis, load(), database_url, slugs, report)
            stopped = [second_stopped, *writers.stop_all()]
            said = write_once(environment)
            left = in_redis.left()
            report.check(
                "writers stopped (SIGTERM), then write_views --once",
                f"exit {', '.join(map(str, stopped))}; {said}",
                "exit 0; nothing left",
                all(status == 0 for status in stopped) and left == 0,
            )
        else:
            print("\nC and D skipped: no Redis, so no views waiting to be written")
        print()
        report.print()
        print(json.dumps({"passed": report.passed}))
        return 0 if report.passed else 1
    finally:
        if writers is not None:
            writers.stop_all()
        for server in (gunicorn, second_host):
            if server is not None and server.poll() is None:
                server.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=30)
        if redis is not None:
            redis.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            postgres.stop("fast")
        if args.keep:
            print(f"Kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
