"""`manage.py create_editor`: an account that can edit the catalogue and nothing more."""

import io
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kiosk-lantern-Recife-2015"


def create_editor(*args: str) -> str:
    out = io.StringIO()
    call_command("create_editor", *args, stdout=out)
    return out.getvalue()


def test_creates_a_staff_editor_who_can_log_in(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)

    output = create_editor("amina", "--email", "amina@example.org")

    assert 'Created editor "amina"' in output
    user = User.objects.get(username="amina")
    assert user.email == "amina@example.org"
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    client = Client()
    response = client.post("/admin/login/", {"username": "amina", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/catalogue/session/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_refuses_an_existing_username(monkeypatch):
    UserFactory(username="amina")
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="already exists"):
        create_editor("amina")

    assert User.objects.filter(username="amina").count() == 1


@pytest.mark.parametrize(
    ("password", "problem"),
    [("short", "too short"), ("password123", "too common"), ("20151112", "entirely numeric")],
)
def test_refuses_a_weak_password_from_the_environment(monkeypatch, password, problem):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", password)

    with pytest.raises(CommandError, match=problem):
        create_editor("amina")

    assert not User.objects.filter(username="amina").exists()


def test_refuses_an_invalid_username_or_email(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="valid username"):
        create_editor("amina duarte")
    with pytest.raises(CommandError, match="valid email"):
        create_editor("amina", "--email", "not-an-address")

    assert not User.objects.exists()


def test_without_a_terminal_or_password_variable_it_explains_what_to_do(monkeypatch):
    if sys.stdin.isatty():
        pytest.skip("run with a terminal on stdin: the command would ask for a password")
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="set DJANGO_EDITOR_PASSWORD"):
        create_editor("amina")

    assert not User.objects.exists()
