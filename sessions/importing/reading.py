"""Reading a .json, .jsonl or .csv file into `Record`s (`RecordFile`, `read_records`).

JSON Lines and CSV files are read a line at a time, so that an import holds only the
records it is working on however big the file: `RecordFile` reads its file afresh
each time it is iterated over. A .json file is one document, parsed whole; it is
meant for small files, JSON Lines and CSV for big ones.
"""

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from igf_catalogue.spreadsheet_cells import unguarded

from .records import (
    LIST_FIELDS,
    MEETING,
    RECORD_FIELD,
    REPORT_PARTS,
    REQUIRED_FIELDS,
    ImportFileError,
    JsonObject,
    Problem,
    Record,
)

CSV_LIST_SEPARATOR = ";"
# Bytes read at a time to check that a file is UTF-8.
READ_BLOCK = 1 << 20


class RecordFile:
    """The records of a .json, .jsonl or .csv file (UTF-8 with or without a BOM), read
    from the file each time they are iterated over.

    A file that is missing or of an unknown kind raises `ImportFileError` at once;
    problems inside it (broken JSON, a bad CSV header, no sessions at all) raise it
    once reading reaches them, after every problem of a JSON Lines file is listed.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.reader = READERS.get(self.path.suffix.lower())
        if self.reader is None:
            kind = f'"{self.path.suffix}"' if self.path.suffix else "without an extension"
            raise ImportFileError(
                [Problem("", f"unknown kind of file ({kind}): use .json, .jsonl or .csv")]
            )
        if self.reader is not _read_json:
            # Before anything else, as for a whole document: a file in another encoding
            # is wrong from its first line, whatever its lines say.
            _check_utf8(self.path)
        self._whole: list[Record] | None = None

    def __iter__(self) -> Iterator[Record]:
        if self.reader is _read_json:
            # One document: parsed once, then kept (see above).
            if self._whole is None:
                self._whole = list(_read_json(self.path))
            return iter(self._whole)
        return self.reader(self.path)


class RecordFiles:
    """The records of several files, one after the other, each named by its file: a
    file of meetings, say, and a file of the sessions held at them."""

    def __init__(self, paths: list[Path | str]):
        self.named = len(paths) > 1
        self.files = []
        for path in paths:
            with self._naming(Path(path).name):
                self.files.append(RecordFile(path))

    def __iter__(self) -> Iterator[Record]:
        for file in self.files:
            if not self.named:
                yield from file
                continue
            name = file.path.name
            with self._naming(name):
                for record in file:
                    yield Record(f"{name} {record.location}", record.data, record.kind)

    @contextmanager
    def _naming(self, name: str):
        """Problems of reading a file named by the file, when there are several."""
        try:
            yield
        except ImportFileError as error:
            if not self.named:
                raise
            raise ImportFileError(
                [
                    Problem(f"{name} {problem.location}".strip(), problem.message)
                    for problem in error.problems
                ]
            ) from None


def read_records(*, path: Path | str) -> list[Record]:
    """Every record of a .json, .jsonl or .csv file at once (see `RecordFile`)."""
    return list(RecordFile(path))


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFileError([Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise ImportFileError([Problem("", "is a directory, not a file")]) from None
    except OSError as error:
        raise ImportFileError([Problem("", f"cannot be read: {error.strerror}")]) from None


def _check_utf8(path: Path) -> None:
    """Raise `ImportFileError` naming the first line of `path` that is not UTF-8."""
    lines_before, rest = 0, b""
    with _open(path) as file:
        while True:
            block = file.read(READ_BLOCK)
            # Whole lines only: no UTF-8 sequence holds the byte of "\n".
            text = rest + block
            end = len(text) if not block else text.rfind(b"\n") + 1
            try:
                text[:end].decode("utf-8")
            except UnicodeDecodeError as error:
                raise _not_utf8(lines_before + text[: error.start].count(b"\n") + 1) from None
            if not block:
                return
            lines_before += text[:end].count(b"\n")
            rest = text[end:]


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError([Problem(f"line {line}", "is not UTF-8 text; save the file as UTF-8")])


def _no_sessions(any_text: bool) -> ImportFileError:
    return ImportFileError(
        [Problem("", "the file holds no sessions" if any_text else "the file is empty")]
    )


def _lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file, each with its line end, without a byte order mark.

    Only "\\n" ends a line: JSON strings and quoted CSV values may hold other line
    separators (U+2028, a lone "\\r").
    """
    with _open(path) as file:
        for number, raw in enumerate(file, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise _not_utf8(number) from None


def _read_json(path: Path) -> Iterator[Record]:
    with _open(path) as file:
        content = file.read()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(content[: error.start].count(b"\n") + 1) from None
    if not text.strip():
        raise _no_sessions(any_text=False)
    try:
        document = json.loads(text, object_pairs_hook=JsonObject.from_pairs)
    except json.JSONDecodeError as error:
        location = f"line {error.lineno}, column {error.colno}"
        raise ImportFileError([Problem(location, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise ImportFileError([Problem("", "not valid JSON: nested too deeply")]) from None
    meetings = []
    if isinstance(document, dict) and ("sessions" in document or "meetings" in document):
        for name in ("sessions", "meetings"):
            if name in document.repeated_names:
                raise ImportFileError([Problem("", f'"{name}" is given more than once')])
        meetings = document.get("meetings", [])
        if not isinstance(meetings, list):
            raise ImportFileError([Problem("", '"meetings" must be an array of meetings')])
        document = document.get("sessions", [])
    if not isinstance(document, list):
        raise ImportFileError(
            [Problem("", 'expected an array of sessions or an object with a "sessions" array')]
        )
    if not document and not meetings:
        raise _no_sessions(any_text=True)
    # The meetings first, so that reading the sessions finds them.
    for index, item in enumerate(meetings):
        yield Record(f"meetings index {index}", item, MEETING)
    for index, item in enumerate(document):
        yield Record(f"index {index}", item)


def _read_jsonl(path: Path) -> Iterator[Record]:
    problems, any_text, any_record = [], False, False
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        any_text = True
        try:
            data = json.loads(line, object_pairs_hook=JsonObject.from_pairs)
        except json.JSONDecodeError as error:
            problems.append(
                Problem(f"line {number}", f"not valid JSON: {error.msg} (column {error.colno})")
            )
            continue
        except RecursionError:
            problems.append(Problem(f"line {number}", "not valid JSON: nested too deeply"))
            continue
        any_record = True
        yield Record.read(f"line {number}", data)
    if problems:
        raise ImportFileError(problems)
    if not any_record:
        raise _no_sessions(any_text)


def _read_csv(path: Path) -> Iterator[Record]:
    rows = csv.reader(_lines(path))
    header: list[str] | None = None
    problems, any_record = [], False
    while True:
        # A quoted value may span lines: a record is named by the line it starts on.
        line = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(f"line {line}", f"not valid CSV: {error}"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [name.strip() for name in row]
            problems += _check_csv_header(header, line)
            if problems:
                break
            continue
        if len(row) > len(header):
            problems.append(
                Problem(
                    f"line {line}",
                    f"has {len(row)} values but the header row has {len(header)} columns",
                )
            )
            continue
        # Values missing at the end of a short row count as empty.
        row = row + [""] * (len(header) - len(row))
        # A cell the exporter kept from running as a formula reads back as it was.
        data = {}
        for name, value in zip(header, row, strict=True):
            value = unguarded(value)
            if name in OBJECT_LIST_FIELDS and value.lstrip().startswith("["):
                try:
                    data[name] = _object_list(value)
                except ValueError as error:
                    problems.append(Problem(f"line {line}", f"{name}: {error}"))
                    data[name] = []
            elif name in LIST_FIELDS:
                data[name] = _split_list(value)
            else:
                data[name] = value
        # The report's parts, each a column of its own, make the report.
        report = {
            part: data.pop(f"report.{part}") for part in REPORT_PARTS if f"report.{part}" in data
        }
        if report:
            data["report"] = report
        any_record = True
        yield Record.read(f"line {line}", data)
    if problems:
        raise ImportFileError(problems)
    if not any_record:
        raise _no_sessions(any_text=header is not None)


def _check_csv_header(header: list[str], line: int) -> list[Problem]:
    location = f"line {line} (header row)"
    problems = []
    for column, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(location, f"column {column} has no name"))
        elif header.index(name) != column - 1:
            problems.append(Problem(location, f'column "{name}" appears more than once'))
    # A file of meetings alone, or of meetings and sessions, says what each row is;
    # each row is then checked for the fields its kind requires.
    required = () if RECORD_FIELD in header else REQUIRED_FIELDS
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(
            Problem(
                location,
                f"lacks the required column(s) {', '.join(missing)}; "
                f"found: {', '.join(name for name in header if name) or 'nothing'}",
            )
        )
    return problems


# The list fields whose items may be objects: in CSV, their cell may hold a JSON array of
# them (as the exporter writes one when they carry more than URLs) instead of URLs.
OBJECT_LIST_FIELDS = ("recordings", "documents")


def _object_list(value: str) -> list:
    """A CSV cell holding a JSON array, as a list; ValueError saying what is wrong."""
    try:
        items = json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"not a JSON list: {error.msg} at character {error.pos + 1}") from None
    if not isinstance(items, list):
        raise ValueError("not a JSON list")
    return items


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(CSV_LIST_SEPARATOR) if part.strip()]


READERS = {".json": _read_json, ".jsonl": _read_jsonl, ".csv": _read_csv}
