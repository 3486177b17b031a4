"""The load check, `bench/load` (`bench/measure.py load`): wrk with many connections for
longer on a session page (each request a new visitor, so each view is counted) and on the
list, with `manage.py write_views` beside gunicorn when there is Redis. It checks that no
request failed and that the session's view total and daily rows grew by exactly the
number of views the site answered as counted.

See bench/README.md.
"""

import os
import secrets
import tempfile
import time
from pathlib import Path

from measure import PYTHON, Site, choose_pages, setup_django, site_environment  # bench/measure.py
from report import Report  # bench/report.py, beside this script
from view_writers import ViewsInRedis, write_once  # bench/view_writers.py
from wrk import Page, run_wrk  # bench/wrk.py


def load(args) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to load.")
    env = site_environment(database_url, args.redis)
    setup_django(env)
    from django.db.models import Sum

    from sessions.models import DailyViews, Session

    def views_of(session: Session) -> tuple[int, int]:
        """The session's total and the sum of its daily rows, in PostgreSQL."""
        total = Session.objects.filter(pk=session.pk).values_list("views", flat=True).get()
        daily = DailyViews.objects.filter(session=session).aggregate(n=Sum("views"))["n"]
        return total, daily or 0

    options = {"threads": args.threads, "connections": args.connections, "duration": args.duration}
    report = Report()
    access_log = Path(tempfile.mkdtemp(prefix="igf-bench-")) / "access.log"
    with Site(env, port=args.port, workers=args.workers, access_log=access_log) as site:
        pages = choose_pages(secrets.token_hex(4))
        session_page = next(page for page in pages if page.script == "visitors.lua")
        session = Session.objects.get(slug=session_page.path.strip("/").split("/")[-1])
        site.fetch(session_page.path)
        in_redis = ViewsInRedis(env, PYTHON) if site.writer else None
        # The totals before are taken with nothing waiting in Redis (this warm-up's view,
        # or any left by a run stopped half-way: a claim left waits for its lease).
        if in_redis and in_redis.wait_until_written(timeout=60) is None:
            raise SystemExit("Views counted before the load still not written after 60 s")
        before = views_of(session)
        answered_before = len(access_log.read_text().splitlines())
        result = run_wrk(site.base, session_page, **options)
        time.sleep(3)  # the requests still on their way when wrk stopped are answered
        if site.writer:
            writer_ran = site.writer.running
            by_writer = views_of(session)[0] - before[0]
            status = site.writer.stop()
            said = write_once(env, PYTHON)
            left = in_redis.left()
        after = views_of(session)
        # The site's own word for every view it counted, answers wrk never saw included.
        counted_by_site = sum(
            1
            for line in access_log.read_text().splitlines()[answered_before:]
            if line.split() == [session_page.path, "200", "1"]
        )
        print(
            f"session page {session_page.path}: {result.requests} answers "
            f"({result.rps:.0f}/s, p99 {result.p99_ms:.0f} ms), {result.errors} errors, "
            f"{result.counted} saying the view was counted; {result.sent} requests sent "
            f"(each a new visitor); the total went from {before[0]} to {after[0]} "
            f"(+{after[0] - before[0]}), the daily rows from {before[1]} to {after[1]} "
            f"(+{after[1] - before[1]}); the site answered {counted_by_site} views as counted"
        )
        report.check("session page: failed requests", str(result.errors), "0", not result.errors)
        report.check(
            "session page: answers saying the view was counted",
            f"{result.counted} of {result.requests}",
            "all",
            result.counted == result.requests,
        )
        if site.writer:
            print(f"write_views --once after the writer stopped: {said}")
            report.check(
                "write_views beside gunicorn",
                f"{'ran throughout' if writer_ran else 'EXITED'}, wrote {by_writer} "
                f"by 3 s after; SIGTERM: exit {status}",
                "ran throughout, exit 0",
                writer_ran and status == 0,
            )
        # Every view the site answered as counted is in PostgreSQL once, and nothing else.
        grew = (after[0] - before[0], after[1] - before[1])
        report.check(
            "views acknowledged / written (total, daily)",
            f"{counted_by_site} / {grew[0]}, {grew[1]}",
            "all equal",
            counted_by_site == grew[0] == grew[1],
        )
        if site.writer:
            report.check("views left in Redis at the end", str(left), "0", left == 0)
        listing = run_wrk(site.base, Page("list", "/sessions/"), **options)
        print(
            f"list /sessions/: {listing.requests} requests ({listing.rps:.0f}/s, "
            f"p99 {listing.p99_ms:.0f} ms), {listing.errors} errors"
        )
        report.check("list: failed requests", str(listing.errors), "0", not listing.errors)
    print()
    report.print()
    if not report.passed:
        raise SystemExit(1)
