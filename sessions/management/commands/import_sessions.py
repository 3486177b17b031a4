from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from sessions.importing import ImportFileError, Problem, import_sessions, read_records

# Files with more records than this get a progress line.
PROGRESS_ABOVE = 100


class Command(BaseCommand):
    help = (
        "Create or update sessions from a .json, .jsonl or .csv file, matched by their key. "
        "All records are checked first; if any is invalid nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .json, .jsonl or .csv file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            records = read_records(path=file)
        except ImportFileError as error:
            for problem in error.problems:
                self.stderr.write(f"error: {_in_file(file, problem)}")
            raise CommandError(f"{file} could not be read; nothing was imported.") from None

        progress = (
            ProgressLine(self.stdout, on_terminal=self.stdout.isatty())
            if len(records) > PROGRESS_ABOVE
            else None
        )
        result = import_sessions(records=records, dry_run=dry_run, progress=progress)

        for warning in result.warnings:
            self.stderr.write(f"warning: {_in_file(file, warning)}", self.style.WARNING)
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(f"error: {_in_file(file, problem)}")
            count = len(result.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''} in {file}; nothing was imported."
            )
        self.stdout.write(result.summary(), self.style.SUCCESS)


def _in_file(file: Path, problem: Problem) -> str:
    return f"{file}, {problem}" if problem.location or problem.field else f"{file}: {problem}"


class ProgressLine:
    """Records done out of the total: redrawn in place on a terminal, else a line per 10%."""

    def __init__(self, out: OutputWrapper, *, on_terminal: bool):
        self.out = out
        self.on_terminal = on_terminal
        self.last_shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.on_terminal:
            # Redraw about 200 times at most, however long the file.
            if done == total or done - self.last_shown >= max(1, total // 200):
                self.last_shown = done
                self.out.write(f"\r{done}/{total} sessions", ending="\n" if done == total else "")
                self.out.flush()
        else:
            tenth = done * 10 // total
            if tenth > self.last_shown:
                self.last_shown = tenth
                self.out.write(f"{done}/{total} sessions ({tenth * 10}%)")
