import pytest
from django.test import Client

from tests.factories import EditorFactory


@pytest.fixture
def editor():
    """A secretariat editor, as `create_editor` makes one."""
    return EditorFactory()


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client
