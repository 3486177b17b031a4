"""Importing sessions from a file (DESIGN.md, "Import format").

Two steps, each usable alone:

- `RecordFile(path)` gives the `Record`s of a .json, .jsonl or .csv file, reading a
  JSON Lines or CSV file a line at a time each time it is gone through, so a file of
  any size can be imported (`read_records(path=...)` gives them all in a list). When
  the file itself cannot be read (missing, not UTF-8, broken JSON, a CSV header
  without the required columns, no sessions at all) it raises `ImportFileError` listing
  every problem.
- `import_sessions(records=...)` checks every record before writing anything, then
  writes all of them in one transaction, or none when any record is invalid. It returns
  an `ImportResult`: the errors, the warnings and the created / updated / unchanged counts.
  It goes through the records a chunk at a time, so memory grows with the number of
  keys and speakers in the file, not with its text.

Sessions are matched by `key`, so importing the same file twice changes nothing the
second time. Speakers are matched by name and organisation, tags by name, both
whatever their case, so a second import creates neither again. A field a record
leaves out (or sets to null) keeps the session's current value on an update and takes
its default on a create; a field that is given, even empty, sets it: `speakers`,
`tags`, `transcript`, `recordings` and `documents` replace the session's participants,
tags, English transcript, recordings and linked documents (the files editors upload in
the admin are never touched). In a CSV file every column of the header is given for
every row. The
`views` field only ever applies to a session the import creates. An existing
speaker's details are the editors' to keep: an import only fills in a stakeholder
group the speaker lacks.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import transaction

from sessions.caching.version import schedule_version_bump, version_bumped_by_the_writer
from sessions.search import sessions_refreshed_by_the_writer

from .indexing import Catalogue, FileIndex, index_file, read_catalogue
from .planning import CREATE, UNCHANGED, UPDATE, plan_chunk, venue_name
from .records import (
    WARNING_LOCATIONS_SHOWN,
    ImportFileError,
    ImportResult,
    Problem,
    Record,
    Warnings,
)
from .writing import Writer

# Records checked, then written, at a time: what an import holds of the file at once.
CHUNK_SIZE = 1000

ProgressCallback = Callable[[int, int], None]


def import_sessions(
    *,
    records: Iterable[Record],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    checking: ProgressCallback | None = None,
) -> ImportResult:
    """Create or update the sessions of `records`; all of them, or none if any is invalid.

    With `dry_run` nothing is written, but the result reports what would be. `progress`
    is called with (records done, total) as the sessions are written (as they are
    checked, in a dry run); `checking` as they are checked before a real import.

    The records are gone through three times, `CHUNK_SIZE` at a time, so that memory
    grows with the number of keys and speakers, not with the text of the records:
    once to note the keys and speakers of the whole file (a record may point to a
    session further on, or name a speaker another record gives an organisation), once
    to check every record and work out what it changes, and once, when none was
    invalid, to write them. `records` is then best a `RecordFile`, which reads its file
    again each time; a one-time iterator is first turned into a list. A file error met
    on the way raises `ImportFileError`, and nothing is written.
    """
    if iter(records) is records:
        records = list(records)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        catalogue = read_catalogue()
        index = index_file(records, catalogue)
        result.total = index.session_count
        _check(records, index, catalogue, result, progress if dry_run else checking)
        if result.errors or dry_run:
            return result
        # Once for the whole import, not once for every session saved: the version
        # below, the search vectors chunk by chunk.
        with version_bumped_by_the_writer(), sessions_refreshed_by_the_writer():
            _write(records, index, catalogue, progress)
        if result.created or result.updated:
            schedule_version_bump()
    return result


def _check(
    records: Iterable[Record],
    index: FileIndex,
    catalogue: Catalogue,
    result: ImportResult,
    progress: ProgressCallback | None,
) -> None:
    """Check every record and count what the import would do; problems go into `result`."""
    unknown: dict[str, Warnings] = defaultdict(Warnings)
    new_names = {"type": {}, "topic": {}, "venue": {}, "tag": {}}
    outcomes = Counter()
    result.errors += index.meetings.problems
    for meeting in index.meetings.by_key.values():
        city, country = meeting.venue
        if (city.casefold(), country.casefold()) not in catalogue.venues:
            new_names["venue"].setdefault((city.casefold(), country.casefold()), (city, country))
    done = 0
    for chunk in _chunks(records, CHUNK_SIZE):
        changes, errors = plan_chunk(chunk, done, index, catalogue, new_names, unknown)
        result.errors += [problem for ordinal in sorted(errors) for problem in errors[ordinal]]
        outcomes.update(change.outcome for change in changes)
        done = _report_progress(progress, done, len(chunk), index.total)
    result.created, result.updated = outcomes[CREATE], outcomes[UPDATE]
    result.unchanged = outcomes[UNCHANGED]
    result.new_types = list(new_names["type"].values())
    result.new_topics = list(new_names["topic"].values())
    result.new_venues = [venue_name(*place) for place in new_names["venue"].values()]
    result.new_meetings = [
        meeting.name
        for key, meeting in index.meetings.by_key.items()
        if key not in catalogue.meetings.by_slug
    ]
    result.new_tags = list(new_names["tag"].values())
    result.new_speakers = len(catalogue.speakers.new)
    result.completed_speakers = len(catalogue.speakers.completions)
    for name, found in index.meetings.unknown.items():
        # The meetings come first in a file: their warnings name the first records.
        unknown[name].first_locations[:0] = found.first_locations
        del unknown[name].first_locations[WARNING_LOCATIONS_SHOWN:]
        unknown[name].count += found.count
    result.warnings = [
        Problem(where.where(), "is not part of the import format; skipped", name)
        for name, where in unknown.items()
    ]


def _report_progress(progress: ProgressCallback | None, done: int, more: int, total: int) -> int:
    if progress:
        for number in range(done + 1, done + more + 1):
            progress(number, total)
    return done + more


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    records = iter(records)
    while chunk := list(islice(records, size)):
        yield chunk


def _write(
    records: Iterable[Record],
    index: FileIndex,
    catalogue: Catalogue,
    progress: ProgressCallback | None,
) -> None:
    """Write the records, checked already, chunk by chunk within the import's transaction."""
    writer = Writer(catalogue)
    writer.write_meetings(list(index.meetings.by_key.values()))
    # Filled again in the same order as when checking, so a new type, topic or venue
    # takes the same (first) spelling.
    new_names = {"type": {}, "topic": {}, "venue": {}, "tag": {}}
    done = 0
    for chunk in _chunks(records, CHUNK_SIZE):
        changes, errors = plan_chunk(chunk, done, index, catalogue, new_names)
        if errors or done + len(chunk) > index.total:
            raise _file_changed()
        writer.write(changes)
        done = _report_progress(progress, done, len(chunk), index.total)
    if writer.waiting:
        # A session the file pointed to further on is no longer in it.
        raise _file_changed()


def _file_changed() -> ImportFileError:
    """Only a file changed since it was checked gets the import here; it rolls back."""
    return ImportFileError([Problem("", "the file changed while it was being imported")])
