"""The import format of DESIGN.md ("Import format") as `.json`, `.jsonl` and `.csv` files.

`JsonExporter`, `JsonLinesExporter` and `CsvExporter`, in `EXPORTERS` by extension.
What they write, `import_sessions` reads back into the same catalogue, as far as the
format reaches: it does not carry a session's objectives and enablers, a speaker's
regional group and biography link, transcripts in languages other than English, a
venue's time zone and country code, nor a meeting's description. The meetings of the
sessions come first (JSON: "meetings" beside "sessions"; JSON Lines and CSV: a record
whose `record` is "meeting"), read in one query. The sessions stream: they are read in
chunks of `EXPORT_CHUNK_SIZE`, each chunk with its own prefetches, so memory stays flat
however large the catalogue.

CSV carries the list fields joined with ";", a speaker as a name only, recordings and
documents as their URLs when that is all they are and else as a JSON array in their
cell, and the report's parts in columns of their own ("report.summary", ...), the way
the importer reads a CSV file; JSON and JSON Lines carry speakers, recordings and
documents in full. An uploaded document is carried by the absolute address of its
download when the exporter is given the site's (`site_url`), which the importer
leaves alone. CSV starts with a byte order mark, so
that spreadsheets read it as UTF-8 (the importer skips it), and a cell a spreadsheet
would run as a formula starts with a ' (`igf_catalogue.spreadsheet_cells`; the importer
reads it back without).

Uses `records` for the sessions and their records.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from igf_catalogue.spreadsheet_cells import guarded
from sessions.models import Session

from .records import (
    EXPORT_FIELDS,
    MEETING_EXPORT_FIELDS,
    meeting_record,
    meetings_of,
    session_record,
    sessions_for_export,
)

# Sessions read per query (and per round of prefetches) by the streaming exporters.
EXPORT_CHUNK_SIZE = 500
# About how many characters a streamed download sends at a time.
STREAM_PIECE_SIZE = 64 * 1024

LIST_SEPARATOR = ";"


class SessionExporter:
    """Writes sessions in one file format, piece by piece (`chunks`), as text."""

    extension = ""
    content_type = ""

    def __init__(
        self,
        sessions: QuerySet[Session],
        *,
        include_drafts: bool = False,
        chunk_size: int = EXPORT_CHUNK_SIZE,
        site_url: str = "",
    ):
        self.sessions = sessions_for_export(sessions, include_drafts=include_drafts)
        self.meetings = meetings_of(sessions)
        self.chunk_size = chunk_size
        # The site's address ("https://host", no trailing slash), for the addresses of
        # uploaded documents; without it, they are paths of the site.
        self.site_url = site_url.rstrip("/")
        self.count = 0  # sessions written so far

    def records(self) -> Iterator[dict]:
        for session in self.sessions.iterator(chunk_size=self.chunk_size):
            self.count += 1
            yield session_record(session, site_url=self.site_url)

    def meeting_records(self) -> Iterator[dict]:
        for meeting in self.meetings:
            yield meeting_record(meeting)

    def chunks(self) -> Iterator[str]:
        raise NotImplementedError

    def stream(self, *, size: int = STREAM_PIECE_SIZE) -> Iterator[str]:
        """`chunks` gathered into pieces of about `size` characters, to send over HTTP."""
        gathered, length = [], 0
        for chunk in self.chunks():
            gathered.append(chunk)
            length += len(chunk)
            if length >= size:
                yield "".join(gathered)
                gathered, length = [], 0
        if gathered:
            yield "".join(gathered)

    def write(self, out: io.TextIOBase) -> int:
        """Write everything to `out`; the number of sessions written."""
        for chunk in self.chunks():
            out.write(chunk)
        return self.count


class JsonExporter(SessionExporter):
    """`{"meetings": [...], "sessions": [...]}`, one meeting or session a line."""

    extension = "json"
    content_type = "application/json"

    def chunks(self) -> Iterator[str]:
        yield '{"meetings": ['
        separator = "\n"
        for record in self.meeting_records():
            yield separator + json.dumps(record, ensure_ascii=False)
            separator = ",\n"
        yield '\n],\n"sessions": ['
        separator = "\n"
        for record in self.records():
            yield separator + json.dumps(record, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


class JsonLinesExporter(SessionExporter):
    """One meeting a line, each marked `"record": "meeting"`, then one session a line."""

    extension = "jsonl"
    content_type = "application/jsonl"

    def chunks(self) -> Iterator[str]:
        for record in self.meeting_records():
            yield json.dumps({"record": "meeting", **record}, ensure_ascii=False) + "\n"
        for record in self.records():
            yield json.dumps(record, ensure_ascii=False) + "\n"


# The report's parts, each a CSV column of its own.
REPORT_COLUMNS = ("report.summary", "report.key_takeaways", "report.calls_to_action")
# The CSV's columns: what each row is, the sessions' fields, then the meetings' own.
CSV_COLUMNS = (
    "record",
    *(name for name in EXPORT_FIELDS if name != "report"),
    *REPORT_COLUMNS,
    *(name for name in MEETING_EXPORT_FIELDS if name not in EXPORT_FIELDS),
)


class CsvExporter(SessionExporter):
    """A header row of the field names, then a row a meeting and a row a session, each
    saying which it is in its first column and leaving the other's columns empty."""

    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        line = _LineBuffer()
        # Every cell quoted: a spreadsheet that splits cells on ";" (as Excel does in many
        # locales) keeps a list in its cell, so no item of it starts a cell of its own.
        writer = csv.writer(line, quoting=csv.QUOTE_ALL)
        yield "\ufeff" + line.write_row(writer, CSV_COLUMNS)
        for record in self.meeting_records():
            yield line.write_row(writer, _csv_row({"record": "meeting", **record}))
        for record in self.records():
            yield line.write_row(writer, _csv_row({"record": "session", **record}))


class _LineBuffer:
    """What a csv.writer writes, handed back a row at a time."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def write_row(self, writer, row: Iterable) -> str:
        self.text = ""
        writer.writerow(row)
        return self.text


def _csv_row(record: dict) -> list[str]:
    report = record.pop("report", {})
    for column in REPORT_COLUMNS:
        record[column] = report.get(column.removeprefix("report."), "")
    return [_csv_value(name, record.get(name, "")) for name in CSV_COLUMNS]


def _csv_value(name: str, value) -> str:
    if name == "speakers":
        value = LIST_SEPARATOR.join(speaker["name"] for speaker in value)
    elif name in ("recordings", "documents"):
        value = _object_list_cell(value)
    elif isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    return guarded(str(value))


def _object_list_cell(items: list[dict]) -> str:
    """Recordings or documents in a cell: their URLs joined with ";" when that is all
    they are (English, nothing else given), as a person would type them; else a JSON
    array of them as JSON exports write it, which the importer reads back whole."""
    if all(_is_plain_url(item) for item in items):
        return LIST_SEPARATOR.join(item["url"] for item in items)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def _is_plain_url(item: dict) -> bool:
    given = {name for name, value in item.items() if value not in ("", None)}
    return given <= {"url", "language"} and item.get("language", "en") == "en"


EXPORTERS: dict[str, type[SessionExporter]] = {
    exporter.extension: exporter for exporter in (JsonExporter, JsonLinesExporter, CsvExporter)
}
