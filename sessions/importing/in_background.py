"""Checking and importing a `ProgrammeImport` away from the request that asked for it.

A big programme takes longer to import than a web worker may spend on a request
(10,000 sessions take about a minute), so the admin's import page hands the work to
`start`, and its status page reads the progress and the `report` from the database.

`start` runs `manage.py run_programme_import` in a process of its own, which outlives
the web worker (workers are recycled every few thousand requests). The setting
`CATALOGUE_IMPORTS_RUN = "in_request"` runs it in the request instead: the tests
do, so that it runs on their connection, inside their transaction.

The work is `import_sessions`, as for the command: the file is checked whole first,
then written in one transaction, or not at all.
"""

import logging
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone

from sessions.models import ProgrammeImport

from .importer import import_sessions
from .reading import RecordFile
from .records import ImportFileError, ImportResult, Problem

logger = logging.getLogger(__name__)

# Errors a report keeps: the count says how many more there were.
ERRORS_KEPT = 1000
# Seconds between two saves of the progress.
PROGRESS_EVERY = 1.0

Status, Stage = ProgrammeImport.Status, ProgrammeImport.Stage


def start(programme_import: ProgrammeImport) -> None:
    """Check (status CHECKING) or import (IMPORTING) the file, in the background."""
    if settings.CATALOGUE_IMPORTS_RUN == "in_request":
        run(programme_import.pk, save_progress=False)
    else:
        # Once the process can read the programme's status as the caller left it.
        transaction.on_commit(partial(start_process, programme_import.pk))


def start_process(pk: int) -> subprocess.Popen:
    manage = Path(settings.BASE_DIR) / "manage.py"
    # A session of its own: neither a worker's exit nor a signal to the workers stops it.
    return subprocess.Popen(
        [sys.executable, str(manage), "run_programme_import", str(pk)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def run(pk: int, *, save_progress: bool = True) -> None:
    """Check or import the programme `pk`, as its status says, and record the outcome.

    With `save_progress`, the records done are saved as they go, for the status page.
    """
    programme_import = ProgrammeImport.objects.get(pk=pk)
    if not programme_import.running:
        return
    dry_run = programme_import.status == Status.CHECKING
    progress = ProgressSaver(pk, save=save_progress)
    suffix = Path(programme_import.file_name).suffix.lower()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"programme{suffix}"
            path.write_bytes(bytes(programme_import.content))
            result = import_sessions(
                records=RecordFile(path),
                dry_run=dry_run,
                progress=progress.stage(Stage.CHECKING if dry_run else Stage.WRITING),
                checking=progress.stage(Stage.CHECKING),
            )
    except ImportFileError as error:
        status, report = Status.INVALID, {"file_errors": [_problem(p) for p in error.problems]}
    except Exception:
        logger.exception("The programme import %s failed", pk)
        status, report = Status.FAILED, {}
    else:
        report = report_of(result)
        status = (Status.READY if dry_run else Status.IMPORTED) if result.ok else Status.INVALID
    finally:
        progress.stop()
    # The file is kept only while it waits to be imported.
    content = programme_import.content if status == Status.READY else b""
    ProgrammeImport.objects.filter(pk=pk).update(
        status=status, report=report, content=content, done=progress.done, updated_at=timezone.now()
    )


def report_of(result: ImportResult) -> dict:
    """What the status page shows of an import's result, as JSON."""
    return {
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "new_types": result.new_types,
        "new_topics": result.new_topics,
        "new_venues": result.new_venues,
        "new_meetings": result.new_meetings,
        "new_tags": result.new_tags,
        "new_speakers": result.new_speakers,
        "completed_speakers": result.completed_speakers,
        "error_count": len(result.errors),
        "errors": [_problem(problem) for problem in result.errors[:ERRORS_KEPT]],
        "warnings": [_problem(problem) for problem in result.warnings],
    }


def _problem(problem: Problem) -> dict:
    return {
        "location": problem.location,
        "key": problem.key,
        "field": problem.field,
        "message": problem.message,
    }


class ProgressSaver:
    """Saves the records done, out of the total, about once a second and when stopped.

    From a thread of its own, on a connection of its own: the import's connection is
    inside the import's transaction, where no one else would see the progress. (On
    SQLite, which lets one connection write at a time, the progress of the writing
    stage is seen when it ends.)
    """

    def __init__(self, pk: int, *, save: bool = True):
        self.pk = pk
        self.done, self.total, self.current_stage = 0, 0, Stage.CHECKING
        self.saved = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._save_until_stopped, daemon=True)
        if save:
            self.thread.start()

    def stage(self, name: str):
        def step(done: int, total: int) -> None:
            self.current_stage, self.done, self.total = name, done, total

        return step

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()

    def _save_until_stopped(self) -> None:
        try:
            while not self.stopped.wait(PROGRESS_EVERY):
                self._save()
            self._save()  # where it stopped
        finally:
            connections.close_all()

    def _save(self) -> None:
        progress = (self.current_stage, self.done, self.total)
        if progress == self.saved:
            return
        try:
            close_old_connections()
            with transaction.atomic():
                ProgrammeImport.objects.filter(
                    pk=self.pk, status__in=ProgrammeImport.RUNNING
                ).update(
                    stage=progress[0],
                    done=progress[1],
                    total=progress[2],
                    updated_at=timezone.now(),
                )
        except DatabaseError:  # SQLite, while the import writes: next time
            return
        self.saved = progress
