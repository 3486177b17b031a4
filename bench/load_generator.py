"""The clients that keep the site busy during the fault checks (bench/faults.py,
bench/fault_scenarios.py): browser-like visitors reading session pages and the session
list and searching, each request a new visitor, and every answer noted with its times.
"""

import collections
import contextlib
import http.client
import itertools
import random
import threading
import time
from dataclasses import dataclass, field


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


def statuses(answers: list[Answer]) -> str:
    counts = collections.Counter(answer.status for answer in answers)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counts.items())) or "none"


def visitor_address(n: int) -> str:
    """Visitor `n`'s address, in 198.18.0.0/15 (kept for benchmarks): the counter takes at
    most a few views of a session from one address."""
    return f"198.{18 + n // 65536 % 2}.{n // 256 % 256}.{n % 256}"
