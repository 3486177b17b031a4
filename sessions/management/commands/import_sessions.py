from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from sessions.importing import ImportFileError, Problem, RecordFiles, import_sessions

# Files with more records than this get a progress line.
PROGRESS_ABOVE = 100


class Command(BaseCommand):
    help = (
        "Create or update sessions, and the meetings they were held at, from .json, .jsonl "
        "or .csv files, matched by their key. All records are checked first; if any is "
        "invalid nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            type=Path,
            nargs="+",
            metavar="file",
            help="The .json, .jsonl or .csv file to import; a file of meetings may come first.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )

    def handle(self, *args, files: list[Path], dry_run: bool, **options):
        on_terminal = self.stdout.isatty()
        # One file is named in each message; of several, each record names its file.
        file = ", ".join(str(path) for path in files)
        where = files[0] if len(files) == 1 else None
        try:
            # Read from the files as the import goes, however big: see RecordFile.
            result = import_sessions(
                records=RecordFiles(files),
                dry_run=dry_run,
                progress=ProgressLine(self.stdout, on_terminal=on_terminal),
                checking=ProgressLine(self.stdout, on_terminal=on_terminal, checking=True),
            )
        except ImportFileError as error:
            for problem in error.problems:
                self.stderr.write(f"error: {_in_file(where, problem)}")
            raise CommandError(f"{file} could not be read; nothing was imported.") from None

        for warning in result.warnings:
            self.stderr.write(f"warning: {_in_file(where, warning)}", self.style.WARNING)
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(f"error: {_in_file(where, problem)}")
            count = len(result.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''} in {file}; nothing was imported."
            )
        self.stdout.write(result.summary(), self.style.SUCCESS)


def _in_file(file: Path | None, problem: Problem) -> str:
    if file is None:
        return str(problem)
    return f"{file}, {problem}" if problem.location or problem.field else f"{file}: {problem}"


class ProgressLine:
    """Records done out of the total: redrawn in place on a terminal, else a line per 10%.

    Nothing for files of PROGRESS_ABOVE records or fewer. With `checking`, the records
    checked before any is written: a big file takes a while to check too.
    """

    def __init__(self, out: OutputWrapper, *, on_terminal: bool, checking: bool = False):
        self.out = out
        self.on_terminal = on_terminal
        self.checking = checking
        self.last_shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total <= PROGRESS_ABOVE:
            return
        if self.on_terminal:
            # Redraw about 200 times at most, however long the file.
            if done == total or done - self.last_shown >= max(1, total // 200):
                self.last_shown = done
                line = (
                    f"Checked {done}/{total} sessions"
                    if self.checking
                    else f"{done}/{total} sessions"
                )
                self.out.write(f"\r{line}", ending="\n" if done == total else "")
                self.out.flush()
        else:
            tenth = done * 10 // total
            if tenth > self.last_shown:
                self.last_shown = tenth
                if self.checking:
                    self.out.write(f"Checking: {tenth * 10}% of {total} sessions")
                else:
                    self.out.write(f"{done}/{total} sessions ({tenth * 10}%)")
