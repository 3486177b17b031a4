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

This script starts the servers and the site, runs the checks and prints the report; the
checks A to D are in bench/fault_scenarios.py, the clients in bench/load_generator.py.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from fault_scenarios import (  # bench/fault_scenarios.py
    database_outage,
    several_hosts,
    worker_killed,
    writer_killed,
)
from load_generator import LoadGenerator  # bench/load_generator.py
from private_servers import PrivatePostgres, PrivateRedis, free_port  # bench/private_servers.py
from report import Report  # bench/report.py, beside this script
from view_writers import ViewsInRedis, Writer, write_once  # bench/view_writers.py

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "igf_faults"


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
