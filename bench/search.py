"""Where a search page nobody asked for before spends its time, in one process:

    DATABASE_URL=postgres://.../igf_bench_100k bench/search [--queries 20] [--rounds 3]

Serves `/sessions/?q=<two words>` through Django's WSGI handler, with the production
settings and Redis as `bench/run` has them, for `--queries` different two-word searches
drawn from the words `searches.lua` uses (none asked before in the run, so neither the
page nor its facets come from the cache; what is kept per catalogue version, such as
the tiles and labels, may). Each request's SQL is timed by an execute wrapper and
sorted into the page's query, the facets' query, the snippets' and the rest; Python is
the whole page less its SQL. Prints the median and the mean of each over the searches,
and the median and largest number of matches. `--rounds` repeats the whole set with new
words, and the figures are over every round.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from measure import site_environment  # bench/measure.py
from profile_request import serve  # bench/profile_request.py: 200, or exits

ROOT = Path(__file__).resolve().parent.parent
WORDS = re.findall(r'"([a-z-]+)"', (Path(__file__).parent / "searches.lua").read_text())

# What each statement of a search page is, by what its SQL holds (first that matches).
KINDS = [
    ("snippets", re.compile(r"ts_headline|snippet\(", re.I)),
    ("facets", re.compile(r"facet_", re.I)),
    ("page's query", re.compile(r"ORDER BY .* LIMIT", re.I | re.S)),
]


def kind_of(sql: str) -> str:
    return next((kind for kind, pattern in KINDS if pattern.search(sql)), "other")


class Timer:
    """An execute wrapper: each statement's time, by kind."""

    def __init__(self):
        self.times: dict[str, float] = {}
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = kind_of(sql)
            self.times[kind] = self.times.get(kind, 0.0) + time.perf_counter() - started
            self.statements += 1


def searches(rng: random.Random, count: int, asked: set[str]) -> list[str]:
    found = []
    while len(found) < count:
        text = " ".join(rng.sample(WORDS, 2))
        if text not in asked:
            asked.add(text)
            found.append(text)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=20, help="searches a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=23)
    # A Redis database of its own, emptied first: nothing kept by an earlier run.
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        sys.exit("Set DATABASE_URL to a catalogue made by bench/generate.")
    os.environ.update(site_environment(database_url, args.redis))
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection

    from sessions.models import Session
    from sessions.search import search_sessions

    call_command("collectstatic", interactive=False, verbosity=0)
    if args.redis:
        cache.clear()
    handler = WSGIHandler()
    rng = random.Random(args.seed)
    asked: set[str] = set()
    # Warm: connections open, templates compiled, what is kept per version kept.
    for text in searches(rng, 10, asked):
        serve(handler, f"/sessions/?{urlencode({'q': text})}", 0)

    pages, sql, python, statements = [], [], [], []
    by_kind: dict[str, list[float]] = {kind: [] for kind, _ in KINDS} | {"other": []}
    matches = []
    for _ in range(args.rounds):
        for text in searches(rng, args.queries, asked):
            timer = Timer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                serve(handler, f"/sessions/?{urlencode({'q': text})}", 0)
                page = time.perf_counter() - started
            pages.append(page)
            sql.append(sum(timer.times.values()))
            python.append(page - sql[-1])
            statements.append(timer.statements)
            for kind in by_kind:
                by_kind[kind].append(timer.times.get(kind, 0.0))
            matches.append(search_sessions(Session.objects.published(), text).count())

    # The median is a typical search; the mean is what a server's throughput follows,
    # rare slow searches included.
    def ms(values: list[float]) -> str:
        return (
            f"{statistics.median(values) * 1000:8.1f} ms {statistics.mean(values) * 1000:8.1f} ms"
        )

    sessions = Session.objects.published().count()
    print(f"{sessions:,} published sessions on {connection.vendor}; {len(pages)} searches")
    print(f"  matches a search: median {statistics.median(matches):,.0f}, max {max(matches):,}")
    print("                      median       mean")
    print(f"  whole page        {ms(pages)}")
    print(f"  SQL in all        {ms(sql)}  ({statistics.median(statements):.0f} statements)")
    for kind, values in by_kind.items():
        print(f"  - {kind:16}{ms(values)}")
    print(f"  Python            {ms(python)}")


if __name__ == "__main__":
    main()
