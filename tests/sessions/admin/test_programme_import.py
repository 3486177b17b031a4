"""The admin's import page: upload, dry run, confirm, the template, and who may."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions.importing import import_sessions, read_records
from sessions.importing.in_background import ProgressSaver, run, start_process
from sessions.models import ProgrammeImport, Session, SessionType, Tag
from tests.factories import SessionFactory, SessionTypeFactory, UserFactory
from tests.sessions.importing.test_importing import database_snapshot, session_record

# The catalogue the files import into holds the annual IGFs, as every catalogue does.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("annual_meetings")]

IMPORT_URL = reverse("admin:catalogue_session_import")


def status_url(programme_import: ProgrammeImport) -> str:
    return reverse("admin:catalogue_session_import_status", args=[programme_import.pk])


def upload(client, name: str, content: str | bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content.encode() if isinstance(content, str) else content
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def programme(*records) -> str:
    return json.dumps({"sessions": list(records)})


def catalogue_without_imports() -> dict:
    snapshot = database_snapshot()
    snapshot.pop("catalogue.ProgrammeImport")
    return snapshot


def test_the_session_list_offers_the_import_to_editors(editor_client):
    page = editor_client.get(reverse("admin:catalogue_session_changelist")).content.decode()

    assert f'href="{IMPORT_URL}"' in page
    assert "Import sessions" in page


def test_a_file_is_checked_first_then_imported_when_confirmed(editor_client):
    SessionFactory(key="kept", title="Old title")
    response = upload(
        editor_client,
        "programme.json",
        programme(
            session_record("a", speakers=["Arjun Mehta"], tags=["youth"]),
            session_record("b", type="Brand new type"),
            session_record("kept", title="New title"),
        ),
    )
    programme_import = ProgrammeImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == status_url(programme_import)

    checked = editor_client.get(status_url(programme_import)).content.decode()
    assert "Checked: nothing is written yet" in checked
    assert "3 sessions in the file: 2 to create, 1 to update, 0 unchanged." in checked
    assert "New session types: Brand new type" in checked
    assert "Import 3 sessions" in checked
    assert list(Session.objects.values_list("key", "title")) == [("kept", "Old title")]
    assert not SessionType.objects.filter(name="Brand new type").exists()

    confirmed = editor_client.post(status_url(programme_import))
    assert confirmed.status_code == 302
    imported = editor_client.get(status_url(programme_import)).content.decode()
    assert "Imported" in imported
    assert "3 sessions in the file: 2 created, 1 updated, 0 unchanged." in imported
    assert set(Session.objects.values_list("key", "title")) == {
        ("a", "Session a"),
        ("b", "Session b"),
        ("kept", "New title"),
    }
    assert Session.objects.get(key="a").participants.get().speaker.name == "Arjun Mehta"
    assert Tag.objects.filter(name="youth").exists()
    # The file is not kept once imported.
    programme_import.refresh_from_db()
    assert programme_import.status == ProgrammeImport.Status.IMPORTED
    assert bytes(programme_import.content) == b""


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        (
            "programme.csv",
            "key,title,date,type,venue\nfine,Fine,2020-11-12,Workshop,Online\n"
            "ws-12,Bad date,2015-02-30,Workshop,Online\n",
            "line 3",
        ),
        (
            "programme.jsonl",
            json.dumps(session_record("fine"))
            + "\n"
            + json.dumps(session_record("ws-12", date="2015-02-30"))
            + "\n",
            "line 2",
        ),
    ],
    ids=["csv", "jsonl"],
)
def test_an_invalid_record_is_named_by_its_key_and_nothing_is_written(
    editor_client, name, content, line
):
    SessionTypeFactory(name="Workshop")
    before = catalogue_without_imports()

    upload(editor_client, name, content)
    programme_import = ProgrammeImport.objects.get()
    page = editor_client.get(status_url(programme_import)).content.decode()

    assert "The file has errors: nothing was imported" in page
    assert "1 error" in page
    row = page[page.index("<td>line ") : page.index("</tr>", page.index("<td>line "))]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == [
        line,
        "ws-12",
        "date",
        "&quot;2015-02-30&quot; is not a real date",
    ]
    assert "Import 2 sessions" not in page
    # Confirming anyway starts nothing.
    editor_client.post(status_url(programme_import))
    assert catalogue_without_imports() == before
    programme_import.refresh_from_db()
    assert programme_import.status == ProgrammeImport.Status.INVALID
    assert bytes(programme_import.content) == b""


def test_a_file_that_cannot_be_read_says_why(editor_client):
    upload(editor_client, "programme.json", '[{"key": "a", "title": ')
    page = editor_client.get(status_url(ProgrammeImport.objects.get())).content.decode()

    assert "The file could not be read:" in page
    assert "line 1, column 24: not valid JSON" in page
    assert not Session.objects.exists()


def test_an_import_is_started_once_however_often_it_is_confirmed(editor_client):
    upload(editor_client, "programme.json", programme(session_record("a")))
    programme_import = ProgrammeImport.objects.get()

    editor_client.post(status_url(programme_import))
    again = editor_client.post(status_url(programme_import), follow=True)

    assert "This file is not waiting to be imported; nothing was started." in again.content.decode()
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        (
            "programme.xlsx",
            10,
            "Upload a .json, .jsonl or .csv file; this one is “programme.xlsx”.",
        ),
        ("programme.csv", 2 * 1024 * 1024 + 1, "The file is 2.0 MB; the limit is 2.0 MB."),
    ],
    ids=["kind", "size"],
)
def test_a_file_of_another_kind_or_too_big_is_refused_before_anything_is_kept(
    editor_client, settings, name, size, message
):
    settings.CATALOGUE_IMPORT_MAX_BYTES = 2 * 1024 * 1024

    response = upload(editor_client, name, b"k" * size)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgrammeImport.objects.exists()


def test_a_running_import_shows_its_progress_and_looks_again(editor_client):
    programme_import = ProgrammeImport.objects.create(
        file_name="big.jsonl",
        status=ProgrammeImport.Status.IMPORTING,
        stage=ProgrammeImport.Stage.WRITING,
        done=3000,
        total=10000,
    )

    page = editor_client.get(status_url(programme_import)).content.decode()

    assert "Writing the sessions…" in page
    assert "3000 of 10000 sessions" in page
    assert '<progress value="3000" max="10000"' in page
    assert '<meta http-equiv="refresh" content="2">' in page


def test_the_page_that_shows_a_finished_import_does_not_refresh(editor_client):
    upload(editor_client, "programme.json", programme(session_record("a")))

    page = editor_client.get(status_url(ProgrammeImport.objects.get())).content.decode()

    assert 'http-equiv="refresh"' not in page


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_the_template_downloads_and_imports_as_it_is(editor_client, tmp_path, extension):
    url = reverse("admin:catalogue_session_import_template", args=[extension])

    response = editor_client.get(url)
    path = tmp_path / f"template.{extension}"
    path.write_bytes(response.content)
    result = import_sessions(records=read_records(path=path), dry_run=True)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert (result.created, result.errors, result.warnings) == (1, [], [])


def test_an_unknown_template_is_not_found(editor_client):
    url = reverse("admin:catalogue_session_import_template", args=["xlsx"])

    assert editor_client.get(url).status_code == 404


@pytest.fixture
def viewer_client():
    """Staff who may look at sessions but not add or change them."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_session", content_type__app_label="catalogue")
    )
    client = Client()
    client.force_login(viewer)
    return client


def test_only_editors_who_may_add_and_change_sessions_may_import(viewer_client, editor_client):
    upload(editor_client, "programme.json", programme(session_record("a")))
    urls = [
        IMPORT_URL,
        status_url(ProgrammeImport.objects.get()),
        reverse("admin:catalogue_session_import_template", args=["csv"]),
    ]
    changelist = viewer_client.get(reverse("admin:catalogue_session_changelist"))

    assert changelist.status_code == 200
    assert IMPORT_URL not in changelist.content.decode()
    for url in urls:
        assert viewer_client.get(url).status_code == 403
        assert viewer_client.post(url).status_code == 403
        assert Client().get(url).status_code == 302  # to the sign-in page
    assert not Session.objects.exists()


def test_an_unknown_import_is_not_found(editor_client):
    assert editor_client.get(f"{IMPORT_URL}999999/").status_code == 404


# The work away from the request, as in production


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_process_of_its_own_checks_then_imports_the_file(monkeypatch):
    """What `start` runs outside the tests: manage.py run_programme_import, on the
    database the site uses."""
    settings_dict = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}",
    )
    programme_import = ProgrammeImport.objects.create(
        file_name="programme.json",
        content=programme(session_record("a"), session_record("b")).encode(),
    )

    def run_in_a_process():
        process = start_process(programme_import.pk)
        assert process.wait(timeout=120) == 0
        programme_import.refresh_from_db()

    run_in_a_process()
    assert programme_import.status == ProgrammeImport.Status.READY
    assert programme_import.report["created"] == 2
    assert not Session.objects.exists()

    ProgrammeImport.objects.filter(pk=programme_import.pk).update(
        status=ProgrammeImport.Status.IMPORTING
    )
    run_in_a_process()
    assert programme_import.status == ProgrammeImport.Status.IMPORTED
    assert sorted(Session.objects.values_list("key", flat=True)) == ["a", "b"]


@pytest.mark.django_db(transaction=True)
def test_progress_is_saved_on_a_connection_of_its_own():
    """The import's connection is inside its transaction, where the status page would
    not see the progress."""
    programme_import = ProgrammeImport.objects.create(
        file_name="big.csv", status=ProgrammeImport.Status.IMPORTING
    )
    saver = ProgressSaver(programme_import.pk)
    saver.stage(ProgrammeImport.Stage.WRITING)(2500, 10000)
    saver.stop()  # saves what it has before it stops

    programme_import.refresh_from_db()
    assert (programme_import.stage, programme_import.done, programme_import.total) == (
        "writing",
        2500,
        10000,
    )


def test_a_failure_of_the_server_is_recorded_and_writes_nothing(monkeypatch):
    programme_import = ProgrammeImport.objects.create(
        file_name="programme.json",
        status=ProgrammeImport.Status.IMPORTING,
        content=programme(session_record("a")).encode(),
    )

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("sessions.importing.in_background.import_sessions", broken)
    run(programme_import.pk, save_progress=False)

    programme_import.refresh_from_db()
    assert programme_import.status == ProgrammeImport.Status.FAILED
    assert bytes(programme_import.content) == b""
    assert not Session.objects.exists()


def test_a_long_file_name_is_shortened_but_keeps_its_extension(editor_client):
    upload(editor_client, "programme-" + "x" * 400 + ".jsonl", json.dumps(session_record("a")))

    programme_import = ProgrammeImport.objects.get()
    assert len(programme_import.file_name) == 255
    assert programme_import.file_name.endswith("x.jsonl")
    assert programme_import.status == ProgrammeImport.Status.READY
