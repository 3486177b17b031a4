from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sessions.models import Session
from sessions.open_data.exporters import EXPORTERS


class Command(BaseCommand):
    help = (
        "Write every session, drafts included, to a .json, .jsonl or .csv file in the "
        "import format, so that import_sessions reads it back into the same catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="The file to write; its extension says the format."
        )

    def handle(self, *args, file: Path, **options):
        extension = file.suffix.lower().lstrip(".")
        exporter_class = EXPORTERS.get(extension)
        if exporter_class is None:
            kind = f'"{file.suffix}"' if file.suffix else "without an extension"
            raise CommandError(f"Unknown kind of file ({kind}): use .json, .jsonl or .csv.")
        exporter = exporter_class(Session.objects.order_by("date", "pk"), include_drafts=True)
        try:
            with file.open("w", encoding="utf-8", newline="") as out:
                count = exporter.write(out)
        except OSError as error:
            raise CommandError(f"{file} could not be written: {error.strerror}.") from None
        self.stdout.write(
            f"Exported {count} session{'s' if count != 1 else ''} to {file}.", self.style.SUCCESS
        )
