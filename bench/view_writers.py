"""`manage.py write_views` beside the site under test (bench/measure.py, bench/load_check.py,
bench/faults.py, bench/fault_scenarios.py).

With REDIS_URL a view is counted in Redis and written to PostgreSQL later, in batches, by
that command (sessions/counting/batches.py). The checks start it, pause it, kill it and
start it again, and read Redis to know when nothing is left for it to write.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent


class Writer:
    """One `manage.py write_views` process (every second, as in production)."""

    def __init__(self, env: dict[str, str], log: Path, python: str = sys.executable):
        self.env = env
        self.log = log
        self.python = python
        self.process: subprocess.Popen | None = None

    def start(self) -> "Writer":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.python, "manage.py", "write_views"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session: a Ctrl-C on the bench reaches it only through stop().
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM (it finishes the batch it is writing), then its exit status."""
        if self.running:
            self.process.send_signal(signal.SIGCONT)  # were it paused
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return None if self.process is None else self.process.returncode

    def kill(self) -> None:
        if self.running:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def write_once(env: dict[str, str], python: str = sys.executable) -> str:
    """`manage.py write_views --once`: writes what is left; what it said."""
    return subprocess.run(
        [python, "manage.py", "write_views", "--once"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


class ViewsInRedis:
    """The views counted in Redis and not yet written: the pending batch and the
    batches writers have claimed (sessions/counting/in_redis.py names the keys)."""

    def __init__(self, env: dict[str, str], python: str = sys.executable):
        # The keys as the site names them (under its cache's prefix), asked of the site
        # rather than spelt out here again.
        names = subprocess.run(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                "import json; from sessions.counting.in_redis import CLAIMS, PENDING, key; "
                "print(json.dumps([key(PENDING), key(CLAIMS)]))",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.pending_key, self.claims_key = json.loads(names.strip().splitlines()[-1])
        self.client = redis.Redis.from_url(env["REDIS_URL"])

    def claims(self) -> dict[str, float]:
        """The batches claimed by a writer, each with when it was claimed (or taken over)."""
        return {
            name.decode(): score
            for name, score in self.client.zrange(self.claims_key, 0, -1, withscores=True)
        }

    def left(self) -> int:
        """Views pending or claimed, not yet written for good."""
        batches = [self.pending_key, *self.claims()]
        return sum(int(count) for batch in batches for count in self.client.hvals(batch))

    def is_empty(self) -> bool:
        return not self.client.exists(self.pending_key) and not self.client.zcard(self.claims_key)

    def wait_until_written(self, timeout: float) -> float | None:
        """Seconds until nothing was left to write, or None if something still was after
        `timeout` (a claim left by a killed writer waits for its lease to run out)."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.is_empty():
                return time.monotonic() - began
            time.sleep(0.1)
        return None

    def wait_for_new_claim(self, seen: dict[str, float], timeout: float) -> str | None:
        """The first batch claimed after `seen` (a new one, or one taken over anew),
        looked for as often as Redis answers: a batch is claimed for milliseconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, score in self.claims().items():
                if seen.get(name) != score:
                    return name
        return None
