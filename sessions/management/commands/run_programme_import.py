from django.core.management.base import BaseCommand, CommandError

from sessions.importing.in_background import run
from sessions.models import ProgrammeImport


class Command(BaseCommand):
    help = (
        "Check or import a programme uploaded on the admin's import page, as its status "
        "says. The admin starts it; `import_sessions` imports a file from the shell."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme_import", type=int, help="The ProgrammeImport's id.")

    def handle(self, *args, programme_import: int, **options):
        try:
            run(programme_import)
        except ProgrammeImport.DoesNotExist:
            raise CommandError(f"No programme import has the id {programme_import}.") from None
