"""`manage.py create_editor USERNAME [--email EMAIL]`: an account for a secretariat editor.

Editors are staff in the "Editors" group: they edit the catalogue in the admin and
have no rights on users, groups or permissions. The password is asked for twice, or
read from DJANGO_EDITOR_PASSWORD when that is set (for scripts); either way it must
pass the site's password validators.
"""

import os
import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

EDITORS_GROUP = "Editors"
PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Create a staff account in the Editors group (catalogue rights only, not superuser)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address.")

    def handle(self, *args, username, email, **options):
        user = get_user_model()(username=username, email=email, is_staff=True)
        try:
            # Checks the username's characters and length, that it is free, and the email.
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(error_text(error)) from error
        try:
            editors = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(
                f'The "{EDITORS_GROUP}" group does not exist: run "manage.py migrate" first.'
            ) from error

        if PASSWORD_VARIABLE in os.environ:
            password = os.environ[PASSWORD_VARIABLE]
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(f"{PASSWORD_VARIABLE}: {error_text(error)}") from error
        else:
            password = self.ask_password(user)

        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
                user.groups.add(editors)
        except IntegrityError as error:  # someone took the username meanwhile
            raise CommandError(f'A user named "{username}" already exists.') from error

        self.stdout.write(
            self.style.SUCCESS(
                f'Created editor "{user.username}": staff, in the {EDITORS_GROUP} group, '
                "not a superuser. They can sign in at /admin/."
            )
        )

    def ask_password(self, user) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                f"No terminal to ask for the password on: set {PASSWORD_VARIABLE} instead."
            )
        try:
            while True:
                password = getpass("Password: ")
                if password != getpass("Password (again): "):
                    self.stderr.write("The two passwords differ. Try again.")
                    continue
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    self.stderr.write(error_text(error))
                    continue
                return password
        except (KeyboardInterrupt, EOFError) as error:
            raise CommandError("Cancelled; no account was created.") from error
