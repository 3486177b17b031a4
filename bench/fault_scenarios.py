"""The fault checks bench/faults.py runs, each under load from bench/load_generator.py:

A. `database_outage`: PostgreSQL stopped for a while, then started again.
B. `worker_killed`: a gunicorn worker killed with SIGKILL.
C. `several_hosts`: two gunicorn hosts and two view writers on one PostgreSQL and Redis.
D. `writer_killed`: the view writer killed with SIGKILL, mid-batch among other moments.

Each prints what it saw and adds its checks to the report; what each expects is in
bench/faults.py's docstring and bench/README.md ("Fault checks").
"""

import collections
import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from load_generator import Answer, statuses, visitor_address  # bench/load_generator.py
from view_writers import ViewsInRedis, Writer  # bench/view_writers.py

ROOT = Path(__file__).resolve().parent.parent
# sessions/counting/batches.py: a batch a dead writer claimed is taken over this long after.
LEASE_SECONDS = 10
# How long views may wait in Redis after the load: a lease, and time to write.
CATCH_UP_SECONDS = LEASE_SECONDS + 20


def batches_written(writer: Writer) -> int:
    """The batches `writer` wrote: its log's "Wrote N views of M sessions" lines."""
    return writer.log.read_text(errors="replace").count("Wrote ")


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


def shown_view_count(port: int, slug: str) -> tuple[int, str]:
    """The count a host's page shows (to a robot, whose view is not counted), and its title."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", f"/sessions/{slug}/", headers={"User-Agent": "faults-robot/1.0"})
    page = connection.getresponse().read().decode()
    connection.close()
    count = re.search(r'"userInteractionCount": (\d+)', page)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    return int(count.group(1)) if count else -1, title.group(1).strip() if title else ""


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
