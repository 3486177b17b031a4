"""Importing sessions from a .json, .jsonl or .csv file (DESIGN.md, "Import format"); see
`importer` for how. May use `sessions.models`, `sessions.caching`, `sessions.search`,
`strategies.models` and `igf_catalogue.html`."""

from .importer import import_sessions
from .reading import RecordFile, RecordFiles, read_records
from .records import KNOWN_FIELDS, ImportFileError, ImportResult, Problem, Record

__all__ = [
    "KNOWN_FIELDS",
    "ImportFileError",
    "ImportResult",
    "Problem",
    "Record",
    "RecordFile",
    "RecordFiles",
    "import_sessions",
    "read_records",
]
