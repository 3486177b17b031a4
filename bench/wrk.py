"""Running wrk against one page and reading what it printed: requests per second,
latencies, errors, and the views the session page's script counted."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent


@dataclass
class Page:
    name: str
    path: str
    script: str | None = None  # a wrk Lua script in bench/
    script_args: tuple[str, ...] = ()
    # Where its queries are counted, when wrk's requests vary the address (searches).
    sample_path: str = ""
    # Its target: at least this share of the bare floor's requests per second.
    target: float | None = None
    # How much slower it may be on the large catalogue than on the small one, when not
    # run_report.GROWTH_LIMIT.
    growth_limit: float | None = None

    @property
    def counted_path(self) -> str:
        return self.sample_path or self.path


@dataclass
class Result:
    page: Page
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    counted: int | None = None
    sent: int | None = None
    queries: str = ""
    # The requests per second of the floor of its size, measured just before and after it:
    # the site's own (through its middleware), and the bare floor (bench/bare_floor/).
    floor_rps: float = 0.0
    bare_floor_rps: float = 0.0

    @property
    def share_of_floor(self) -> float:
        """Its share of the site floor's requests per second."""
        return self.rps / self.floor_rps

    @property
    def share_of_bare_floor(self) -> float:
        """Its share of the bare floor's requests per second (what the targets hold)."""
        return self.rps / self.bare_floor_rps


def run_wrk(
    base: str,
    page: Page,
    *,
    threads: int,
    connections: int,
    duration: str,
    timeout: str = "10s",
) -> Result:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}",
        f"--timeout={timeout}",
        "--latency",
        "-H",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    ]
    if page.script:
        command += ["-s", str(BENCH / page.script)]
    command.append(base + page.path)
    if page.script_args:
        command += ["--", *page.script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(page, output)


DURATION_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * DURATION_UNITS[unit]


def parse_wrk(page: Page, output: str) -> Result:
    def find(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output)
        if match is None:
            if default is None:
                raise SystemExit(f"Could not read wrk's output for {page.name}:\n{output}")
            return default
        return match.group(1)

    errors = int(find(r"Non-2xx or 3xx responses: (\d+)", "0"))
    if socket := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(number) for number in socket.groups())
    counted = find(r"views counted: (\d+)", "")
    sent = find(r"requests sent: (\d+)", "")
    return Result(
        page=page,
        rps=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(find(r"\s50%\s+(\S+)")),
        p99_ms=_ms(find(r"\s99%\s+(\S+)")),
        requests=int(find(r"(\d+) requests in")),
        errors=errors,
        counted=int(counted) if counted else None,
        sent=int(sent) if sent else None,
    )
