from django.core.management.base import BaseCommand, CommandError

from sessions.demo.loading import DemoDataError, load_demo_data
from sessions.importing import ImportFileError


class Command(BaseCommand):
    help = (
        "Load the demo data from demo/: the annual IGFs and some national and regional "
        "ones with their venues, a few strategies, and the sessions (through the "
        "importer). Running it again changes nothing."
    )

    def handle(self, *args, **options):
        try:
            result = load_demo_data()
        except (DemoDataError, ImportFileError) as error:
            raise CommandError(
                f"The demo data could not be loaded; nothing was written.\n{error}"
            ) from None
        for warning in result.sessions.warnings:
            self.stderr.write(f"warning: {warning}", self.style.WARNING)
        self.stdout.write(f"Venues: {result.venues}.")
        self.stdout.write(f"Meetings: {result.meetings}.")
        self.stdout.write(f"Strategies: {result.strategies}.")
        self.stdout.write(f"Objectives and enablers: {result.strategy_parts}.")
        self.stdout.write(f"Sessions: {result.sessions.summary()}", self.style.SUCCESS)
