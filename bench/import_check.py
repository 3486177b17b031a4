"""Importing a big programme: memory, progress, and a failure near the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/igf_bench_import \\
        bench/import [--sessions 100000] [--seed 2006] [--no-csv] [--keep]

Writes a JSON Lines file of --sessions sessions in the import format, after the sixty
meetings they are held at (and the same meetings and sessions as CSV), then runs
`manage.py import_sessions FILE` in a child process against an empty, migrated
database, reading the child's resident memory (/proc/PID/status) every 0.2 s:

1. a tenth of the sessions, then all of them (JSON Lines): the peak memory of the two
   should be about the same if the import streams the file; were the records held in
   memory it would grow with the file, ten times over;
2. the CSV file with --dry-run (unless --no-csv): every record read and compared with
   the catalogue of step 1, nothing written;
3. a second file of as many new sessions, one of them invalid at 90 %, onto the
   catalogue of step 1: the command must fail naming that record, and the database
   must be exactly as it was (sessions, meetings, speakers, tags, venues, types, topics,
   links, the catalogue version).

The database named in DATABASE_URL is dropped and created again (its name must
contain "bench"). Prints one table and exits non-zero if a check failed. See
bench/README.md.
"""

import argparse
import csv
import datetime
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# bench/databases.py and bench/report.py, beside this script
from databases import connect, recreate_database, throwaway_database_settings
from report import Report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE_SECONDS = 0.2
# The peak at N over the peak at N/10 that still counts as flat. A file held in memory
# grows the peak with the file (records of a few kilobytes each); a streamed one only
# with the keys and speaker names kept between the two passes.
FLAT_RATIO = 1.5
FAILING_SHARE = 0.9
CSV_LIST_SEPARATOR = ";"
STAKEHOLDERS = [
    "Government", "Civil Society", "Private Sector", "Technical Community",
    "Intergovernmental Organization",
]  # fmt: skip
CATALOGUE_TABLES = [
    "catalogue_session", "catalogue_meeting", "catalogue_speaker", "catalogue_participant",
    "catalogue_tag", "catalogue_venue", "catalogue_sessiontype", "catalogue_topic",
    "catalogue_transcript", "catalogue_session_related", "catalogue_session_tags",
    "catalogue_session_strategies",
]  # fmt: skip


# The file


@dataclass(frozen=True)
class Speaker:
    name: str
    organisation: str
    stakeholder: str


def speaker_pool(rng: random.Random, count: int) -> list[Speaker]:
    """`count` speakers with different names, so that a CSV file (names only) is unambiguous."""
    from sessions.demo.synthetic import FIRST_NAMES, LAST_NAMES, ORGANISATIONS

    initials = "ABCDEFGHIJKLMNOPRSTVW"
    names = [f"{first} {initial}. {last}" for first in FIRST_NAMES for initial in initials
             for last in LAST_NAMES]  # fmt: skip
    rng.shuffle(names)
    unique, copy = list(names), 2
    while len(names) < count:  # beyond some 35,000 speakers, numbered namesakes
        names += [f"{name} {copy}" for name in unique]
        copy += 1
    return [
        Speaker(name, rng.choice(ORGANISATIONS), rng.choice(STAKEHOLDERS)) for name in names[:count]
    ]


@dataclass(frozen=True)
class FileMeeting:
    """A meeting the file carries, in the import format."""

    key: str
    name: str
    kind: str
    venue: str  # "City, Country", or "Online"
    start_date: datetime.date
    end_date: datetime.date
    number: int | None = None

    @property
    def is_annual(self) -> bool:
        return self.kind == "annual"

    def record(self) -> dict:
        record = {
            "record": "meeting",
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "venue": self.venue,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
        }
        if self.number is not None:
            record["number"] = self.number
        return record


def file_meetings() -> list[FileMeeting]:
    """The meetings of the synthetic catalogue (sessions/demo/synthetic.py): the twenty
    annual IGFs of demo/igf-meetings.csv and the forty national and regional IGFs of
    `_meeting_plan`, two a year, the same whatever the seed."""
    from slugify import slugify

    from sessions.demo.synthetic import _meeting_plan

    meetings = []
    with (ROOT / "demo" / "igf-meetings.csv").open(encoding="utf-8") as table:
        for row in csv.DictReader(table):
            meetings.append(
                FileMeeting(
                    key=f"igf-{row['year']}",
                    name=f"IGF {row['year']}",
                    kind="annual",
                    venue=f"{row['city']}, {row['country']}" if row["country"] else row["city"],
                    start_date=datetime.date.fromisoformat(row["start_date"]),
                    end_date=datetime.date.fromisoformat(row["end_date"]),
                    number=int(row["number"]),
                )
            )
    for name, kind, (city, country), start, end in _meeting_plan():
        meetings.append(
            FileMeeting(slugify(name), name, str(kind), f"{city}, {country}", start, end)
        )
    return meetings


def session_records(sessions: int, *, seed: int, prefix: str, meetings: list[FileMeeting]):
    """The sessions of a synthetic programme, one dict at a time, in the import format.

    Each is held at one of `meetings`, as in sessions/demo/synthetic.py: a year, then its
    annual meeting or (two in five) one of its other meetings, and a day within it. A
    session of an annual meeting names no meeting (the importer finds the annual meeting
    held at its venue in its year); one of another meeting names it by key. Titles,
    types, topics and words come from sessions/demo/synthetic.py: a description of 200
    to 400 words, 2 to 6 speakers from a pool of one per five sessions, 1 to 4 tags,
    and for three sessions in ten 1 to 3 related keys anywhere in the file, so about
    half of them point forward.
    """
    from sessions.demo.synthetic import (
        FIRST_YEAR,
        LAST_YEAR,
        NATIONAL_SHARE,
        SESSION_TYPES,
        TAGS,
        TITLE_PATTERNS,
        TOPICS,
        VOCABULARY,
        VOCABULARY_WEIGHTS,
        WORDS,
    )

    annual_by_year = {m.start_date.year: m for m in meetings if m.is_annual}
    others_by_year: dict[int, list[FileMeeting]] = {}
    for meeting in meetings:
        if not meeting.is_annual:
            others_by_year.setdefault(meeting.start_date.year, []).append(meeting)
    rng = random.Random(seed)
    speakers = speaker_pool(rng, max(10, sessions // 5))
    for number in range(sessions):
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        meeting = annual_by_year.get(year)
        if meeting is None or rng.random() < NATIONAL_SHARE:
            meeting = rng.choice(others_by_year[year])
        span = (meeting.end_date - meeting.start_date).days
        date = meeting.start_date + datetime.timedelta(days=rng.randint(0, span))
        words = rng.sample(WORDS, 4)
        title = rng.choice(TITLE_PATTERNS).format(
            A=words[0].capitalize(), B=words[1], C=words[2], D=words[3],
            place=meeting.venue.split(",")[0],
        )  # fmt: skip
        hour = rng.randint(8, 17)
        paragraphs = [
            " ".join(
                rng.choices(VOCABULARY, cum_weights=VOCABULARY_WEIGHTS, k=rng.randint(60, 130))
            )
            for _ in range(3)
        ]
        record = {
            "key": f"{prefix}-{number}",
            "title": f"{title} ({number})",
            "date": date.isoformat(),
            "start_time": f"{hour:02}:{rng.choice((0, 15, 30, 45)):02}",
            "end_time": f"{hour + 1:02}:30",
            "type": rng.choice(SESSION_TYPES),
            "topic": rng.choice(TOPICS),
            "venue": meeting.venue,
            "description": "".join(f"<p>{text.capitalize()}.</p>" for text in paragraphs),
            "views": int(rng.paretovariate(1.2) * 40),
            "url": f"https://www.intgovforum.org/en/sessions/{prefix}-{number}",
            "speakers": [
                {"name": s.name, "organisation": s.organisation, "stakeholder": s.stakeholder}
                for s in rng.sample(speakers, rng.randint(2, 6))
            ],
            "tags": rng.sample(TAGS, rng.randint(1, 4)),
        }
        if not meeting.is_annual:
            record["meeting"] = meeting.key
        if rng.random() < 0.3:
            others = {rng.randrange(sessions) for _ in range(rng.randint(1, 3))} - {number}
            record["related"] = [f"{prefix}-{other}" for other in sorted(others)]
        yield record


FIELDS = [
    "key", "title", "date", "start_time", "end_time", "type", "topic", "venue", "meeting",
    "description", "views", "url", "speakers", "tags", "related",
]  # fmt: skip
# The CSV's columns, as the site's export writes them: what each row is, the sessions'
# fields, then the meetings' own.
CSV_COLUMNS = ["record", *FIELDS, "name", "kind", "start_date", "end_date", "number"]


def write_files(
    directory: Path,
    name: str,
    sessions: int,
    *,
    seed: int,
    prefix: str,
    csv_too: bool,
    invalid_at: int | None = None,
) -> tuple[Path, Path | None]:
    """Write the programme as JSON Lines (and CSV), one record at a time: the meetings
    of `file_meetings`, then the sessions.

    With `invalid_at`, the session of that index has an impossible date.
    """
    meetings = file_meetings()
    jsonl = directory / f"{name}.jsonl"
    csv_path = directory / f"{name}.csv" if csv_too else None
    with (
        jsonl.open("w", encoding="utf-8") as lines,
        (
            csv_path.open("w", encoding="utf-8", newline="") if csv_path else open(os.devnull, "w")
        ) as table,
    ):
        writer = csv.DictWriter(table, CSV_COLUMNS)
        writer.writeheader()
        for meeting in meetings:
            lines.write(json.dumps(meeting.record(), ensure_ascii=False) + "\n")
            if csv_path:
                writer.writerow(meeting.record())
        records = session_records(sessions, seed=seed, prefix=prefix, meetings=meetings)
        for number, record in enumerate(records):
            if number == invalid_at:
                record["date"] = "2015-02-30"
            lines.write(json.dumps(record, ensure_ascii=False) + "\n")
            if csv_path:
                row = {"record": "session", **record}
                row["speakers"] = [speaker["name"] for speaker in record["speakers"]]
                for name in ("speakers", "tags", "related"):
                    row[name] = CSV_LIST_SEPARATOR.join(row.get(name, ()))
                writer.writerow(row)
    return jsonl, csv_path


# The database


def recreate_migrated_database(settings: dict) -> None:
    recreate_database(settings)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT, env=child_environment(), check=True,
    )  # fmt: skip


def database_state(settings: dict) -> dict:
    """The row count of every catalogue table, and the catalogue version."""
    with connect(settings) as connection:
        state = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in CATALOGUE_TABLES
        }
        state["catalogue version"] = connection.execute(
            "SELECT array_agg(number ORDER BY id) FROM catalogue_catalogueversion"
        ).fetchone()[0]
        state["last session change"] = connection.execute(
            "SELECT max(updated_at) FROM catalogue_session"
        ).fetchone()[0]
    return state


def child_environment() -> dict:
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    env.pop("DJANGO_DEBUG", None)  # as in production: DEBUG keeps every query in memory
    return env


# One import


@dataclass
class ImportRun:
    returncode: int
    seconds: float
    peak_kib: int
    samples: int
    stdout: str
    stderr: str
    first_progress_seconds: float | None = None
    progress_lines: list[str] = field(default_factory=list)
    checking_lines: list[str] = field(default_factory=list)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of `pid` in KiB; (0, 0) once it is gone."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name, _, rest = line.partition(":")
                if name in values:
                    values[name] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return values["VmRSS"], values["VmHWM"]


PROGRESS_LINE = re.compile(r"^\d+/\d+ sessions \(\d+%\)$")
CHECKING_LINE = re.compile(r"^Checking: \d+% of \d+ sessions$")


def run_import(path: Path, *options: str) -> ImportRun:
    """Run `manage.py import_sessions path`, sampling its memory as it goes."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_sessions", str(path), *options],
        cwd=ROOT, env=child_environment(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    peak, samples = 0, 0
    out_lines, err_lines = [], []
    first_progress = []

    def read_stdout():
        for line in child.stdout:
            shown = PROGRESS_LINE.match(line.strip()) or CHECKING_LINE.match(line.strip())
            if shown and not first_progress:
                first_progress.append(time.perf_counter() - started)
            out_lines.append(line)

    def read_stderr():
        err_lines.extend(child.stderr)

    readers = [threading.Thread(target=read_stdout), threading.Thread(target=read_stderr)]
    for reader in readers:
        reader.start()
    while child.poll() is None:
        rss, high_water = memory_kib(child.pid)
        # The kernel's high-water mark catches a peak between two samples.
        peak = max(peak, rss, high_water)
        samples += 1
        time.sleep(SAMPLE_SECONDS)
    for reader in readers:
        reader.join()
    stdout = "".join(out_lines)
    return ImportRun(
        returncode=child.returncode,
        seconds=time.perf_counter() - started,
        peak_kib=peak,
        samples=samples,
        stdout=stdout,
        stderr="".join(err_lines),
        first_progress_seconds=first_progress[0] if first_progress else None,
        progress_lines=[line for line in stdout.splitlines() if PROGRESS_LINE.match(line)],
        checking_lines=[line for line in stdout.splitlines() if CHECKING_LINE.match(line)],
    )


def check_import(report: Report, label: str, run: ImportRun, sessions: int, count: int) -> None:
    report.check(
        f"{label}: import",
        f"exit {run.returncode}, {count:,} sessions in the database",
        f"exit 0, {sessions:,}",
        run.returncode == 0 and count == sessions,
    )
    if run.returncode or count != sessions:
        print(run.stderr[-3000:], file=sys.stderr)
    report.check(
        f"{label}: time",
        f"{run.seconds:.0f} s, {sessions / run.seconds:,.0f} sessions/s",
        "(measured)",
        True,
    )
    first = run.first_progress_seconds
    report.check(
        f"{label}: progress lines",
        f"{len(run.checking_lines)} checking, {len(run.progress_lines)} writing, "
        f"first after {first:.0f} s"
        if first
        else "none",
        "10 writing, the last 100%",
        len(run.progress_lines) == 10 and run.progress_lines[-1].endswith("(100%)"),
    )


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV import")
    parser.add_argument("--keep", action="store_true", help="keep the files and the database")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igf_catalogue.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    settings = throwaway_database_settings("igf_bench_import")
    import django

    django.setup()  # for the vocabulary of sessions/demo/synthetic.py
    sessions, tenth = arguments.sessions, max(1, arguments.sessions // 10)
    report = Report()
    directory = Path(tempfile.mkdtemp(prefix="igf-import-"))
    try:
        print(f"Writing the files in {directory}...", flush=True)
        small, _ = write_files(
            directory, "tenth", tenth, seed=arguments.seed, prefix="s", csv_too=False
        )
        big, big_csv = write_files(
            directory, "all", sessions, seed=arguments.seed, prefix="s",
            csv_too=not arguments.no_csv,
        )  # fmt: skip
        failing_index = int(sessions * FAILING_SHARE)
        # Its line in the file: the meetings come first, a line each.
        failing_line = len(file_meetings()) + failing_index + 1
        failing, _ = write_files(
            directory, "failing", sessions, seed=arguments.seed + 1, prefix="f",
            csv_too=False, invalid_at=failing_index,
        )  # fmt: skip
        megabytes = big.stat().st_size / 1e6
        print(f"{sessions:,} sessions: {megabytes:,.0f} MB of JSON Lines.", flush=True)

        runs = {}
        for label, path, count in [("tenth", small, tenth), ("all", big, sessions)]:
            recreate_migrated_database(settings)
            print(f"Importing {path.name} ({count:,} sessions)...", flush=True)
            runs[label] = run = run_import(path)
            state = database_state(settings)
            check_import(report, f"{label} ({count:,})", run, count, state["catalogue_session"])

        ratio = runs["all"].peak_kib / runs["tenth"].peak_kib
        report.check(
            "peak memory",
            f"{runs['tenth'].peak_mib:,.0f} MiB at {tenth:,}, "
            f"{runs['all'].peak_mib:,.0f} MiB at {sessions:,} (x{ratio:.2f})",
            f"flat: x{FLAT_RATIO} at most",
            ratio <= FLAT_RATIO,
        )
        if big_csv:
            # The same sessions as CSV, checked against the catalogue they are now in:
            # reading and comparing every record, writing nothing.
            print(f"Checking {big_csv.name} (--dry-run)...", flush=True)
            run = run_import(big_csv, "--dry-run")
            csv_ratio = run.peak_kib / runs["tenth"].peak_kib
            summary = re.search(r"(\d+) unchanged, of (\d+) sessions", run.stdout)
            unchanged = f"{int(summary[1]):,} unchanged" if summary else "no summary"
            report.check(
                f"CSV, --dry-run ({sessions:,})",
                f"exit {run.returncode}, {unchanged}, {run.seconds:.0f} s, "
                f"{run.peak_mib:,.0f} MiB (x{csv_ratio:.2f})",
                f"exit 0, flat: x{FLAT_RATIO} at most",
                run.returncode == 0 and csv_ratio <= FLAT_RATIO,
            )
            if run.returncode:
                print(run.stderr[-3000:], file=sys.stderr)

        # The catalogue of the last import stays; the failing file would add to it.
        before = database_state(settings)
        print(f"Importing {failing.name} (invalid at line {failing_line})...", flush=True)
        run = run_import(failing)
        after = database_state(settings)
        expected = (
            f'line {failing_line} (key "f-{failing_index}"), '
            'field "date": "2015-02-30" is not a real date'
        )
        named = expected in run.stderr and "nothing was imported" in run.stderr
        report.check(
            "failure at 90 %: the command",
            f"exit {run.returncode}, record {'named' if named else 'NOT named'}, "
            f"after {run.seconds:.0f} s, peak {run.peak_mib:,.0f} MiB",
            f"fails naming line {failing_line}",
            run.returncode != 0 and named,
        )
        if not named:
            print(run.stderr[-3000:], file=sys.stderr)
        changed = [name for name in before if before[name] != after[name]]
        report.check(
            "failure at 90 %: the database",
            "unchanged" if not changed else f"changed: {', '.join(changed)}",
            f"unchanged (rows of {len(CATALOGUE_TABLES)} tables, version)",
            not changed,
        )
    finally:
        if arguments.keep:
            print(f"Kept {directory} and the database {settings['NAME']}.")
        else:
            for path in directory.iterdir():
                path.unlink()
            directory.rmdir()
    print()
    report.print()
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
