"""The catalogue in the formats other tools read: one small exporter per format.

- The import format of DESIGN.md ("Import format") as `.json`, `.jsonl` and `.csv`:
  `JsonExporter`, `JsonLinesExporter` and `CsvExporter` (`import_format`). What they
  write, `import_sessions` reads back into the same catalogue, as far as the format
  reaches. They stream, so memory stays flat however large the catalogue.
- iCalendar (RFC 5545): `CalendarExporter`, one event per session (`calendar`).
- A year's programme for conference apps (Giggity, ConfClerk, ...), in the frab
  schedule format of the c3voc tools: `frab_schedule` builds it (with the year's
  `annual_meeting_in`), `FrabJsonExporter` and `FrabXmlExporter` write it (`frab`).
- What they share (`records`): a session's record in the import format, its
  identifier, its text made plain and printable, a download's file name.

Each module says the conventions its format forces a choice on. Two hold for every format:

- Which sessions and related keys an export holds is up to its caller: the public
  downloads hold published sessions and link only to published ones; the
  `export_sessions` command holds drafts too, each with its status.
- Identifiers never change between exports: the iCalendar UID and the frab guid are
  the same UUID, derived from the session's key (`session_guid`).

Imports run one way: `frab` uses `calendar` and `records`, `calendar` and
`import_format` use `records`, which uses none of them. Code outside imports from
this package, which re-exports what it uses.
"""

from .calendar import CalendarExporter, time_zone
from .frab import (
    FrabJsonExporter,
    FrabXmlExporter,
    annual_meeting_in,
    frab_schedule,
    schedule_sessions,
)
from .import_format import (
    EXPORTERS,
    CsvExporter,
    JsonExporter,
    JsonLinesExporter,
    SessionExporter,
)
from .records import (
    EXPORT_FIELDS,
    GUID_NAMESPACE,
    MEETING_EXPORT_FIELDS,
    export_filename,
    meeting_record,
    meetings_of,
    plain_text,
    printable,
    session_guid,
    session_record,
    sessions_for_export,
    speaker_record,
    transcript_value,
)

__all__ = [
    "EXPORTERS",
    "EXPORT_FIELDS",
    "GUID_NAMESPACE",
    "MEETING_EXPORT_FIELDS",
    "CalendarExporter",
    "CsvExporter",
    "FrabJsonExporter",
    "FrabXmlExporter",
    "JsonExporter",
    "JsonLinesExporter",
    "SessionExporter",
    "annual_meeting_in",
    "export_filename",
    "frab_schedule",
    "meeting_record",
    "meetings_of",
    "plain_text",
    "printable",
    "schedule_sessions",
    "session_guid",
    "session_record",
    "sessions_for_export",
    "speaker_record",
    "time_zone",
    "transcript_value",
]
