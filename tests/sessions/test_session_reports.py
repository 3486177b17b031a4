"""The IGF's report of a session: a summary, key takeaways and calls to action, written
by editors, shown on the session's page, searched, and carried by the API, the feeds,
the import format and the exports."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from sessions.importing import import_sessions, read_records
from sessions.models import Session
from sessions.search import refresh_search_vectors
from tests.factories import EditorFactory, SessionFactory
from tests.page_parsing import section, visible_text
from tests.sessions.admin.test_admin import session_form

# The files import into a catalogue holding the annual IGFs, as every catalogue does.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("annual_meetings")]

REPORT = {
    "report_summary": '<p onclick="steal()">Speakers agreed on <b>open data</b>.</p>',
    "key_takeaways": "<ol><li>Publish budgets openly</li><li>Train officials</li></ol>",
    "calls_to_action": (
        "<ol><li>Governments should adopt open licences<script>x()</script></li></ol>"
    ),
}


@pytest.fixture
def reported():
    session = SessionFactory(title="Open budgets", **REPORT)
    refresh_search_vectors([session.pk])  # as a commit would
    return session


def test_the_report_is_sanitised_when_saved(reported):
    reported.refresh_from_db()
    assert reported.report_summary == "<p>Speakers agreed on <b>open data</b>.</p>"
    assert "script" not in reported.calls_to_action
    assert reported.has_report
    assert not SessionFactory().has_report


def test_the_session_page_shows_the_report_under_its_own_heading(client, reported):
    content = client.get(reported.get_absolute_url()).content.decode()
    report = section(content, "report-heading")
    assert re.findall(r"<h[23][^>]*>(.*?)</h[23]>", report) == [
        "Session report",
        "Summary",
        "Key takeaways",
        "Calls to action",
    ]
    assert "Speakers agreed on open data." in visible_text(report)
    assert "<li>Publish budgets openly</li>" in report
    assert "steal()" not in content


def test_a_session_without_a_report_has_no_report_section(client):
    session = SessionFactory()
    assert (
        'aria-labelledby="report-heading"'
        not in client.get(session.get_absolute_url()).content.decode()
    )


def test_the_report_is_searched(client, reported):
    SessionFactory(title="Something else")
    content = client.get("/sessions/?q=licences").content.decode()
    assert "Open budgets" in content and "Something else" not in content


def test_the_api_and_the_feed_carry_the_report(client, reported):
    data = client.get(f"/api/sessions/{reported.slug}/").json()
    assert data["report"] == {
        "summary": "<p>Speakers agreed on <b>open data</b>.</p>",
        "key_takeaways": "<ol><li>Publish budgets openly</li><li>Train officials</li></ol>",
        "calls_to_action": "<ol><li>Governments should adopt open licences</li></ol>",
    }
    feed = client.get("/sessions/feed.atom").content.decode()
    assert "Key takeaways" in feed and "Publish budgets openly" in feed


def test_an_editor_writes_the_report_in_the_admin(client):
    client.force_login(EditorFactory())
    session = SessionFactory()
    url = reverse("admin:catalogue_session_change", args=[session.pk])
    response = client.post(
        url, session_form(session, report_summary="<p>Done.<script>x()</script></p>")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.report_summary == "<p>Done.</p>"


def test_an_import_writes_the_report_items_as_an_ordered_list(tmp_path):
    path = tmp_path / "s.json"
    record = {
        "key": "ws-1",
        "title": "Open budgets",
        "date": "2015-11-12",
        "type": "Workshop",
        "venue": "João Pessoa, Brazil",
        "report": {
            "summary": "Plain text <is> kept safe",
            "key_takeaways": ["Publish budgets", "Train <officials>"],
        },
    }
    path.write_text(json.dumps({"sessions": [record]}), encoding="utf-8")
    result = import_sessions(records=read_records(path=path))
    assert result.ok, result.errors
    session = Session.objects.get(key="ws-1")
    assert (
        session.key_takeaways == "<ol><li>Publish budgets</li><li>Train &lt;officials&gt;</li></ol>"
    )
    assert session.calls_to_action == ""
    assert "<is>" not in session.report_summary
    # Given again, unchanged: nothing to do.
    again = import_sessions(records=read_records(path=path))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("report", "message"),
    [
        (
            "a summary",
            'field "report": must be an object of summary, key_takeaways, calls_to_action, '
            "not text",
        ),
        (
            {"findings": "x"},
            'field "report": has no part "findings"; its parts are summary, key_takeaways, '
            "calls_to_action",
        ),
        ({"summary": 3}, 'field "report": summary: must be text, not a number'),
        (
            {"key_takeaways": ["fine", ["nested"]]},
            'field "report": key_takeaways: must be text, not a list',
        ),
    ],
)
def test_a_report_that_is_not_one_is_an_error_naming_its_record(tmp_path, report, message):
    path = tmp_path / "s.json"
    record = {
        "key": "ws-1",
        "title": "T",
        "date": "2015-11-12",
        "type": "Workshop",
        "venue": "João Pessoa, Brazil",
        "report": report,
    }
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_sessions(records=read_records(path=path))
    assert [str(problem) for problem in result.errors] == [f'index 0 (key "ws-1"), {message}']


@pytest.mark.parametrize("extension", ["json", "jsonl", "csv"])
def test_the_report_round_trips_through_the_export(tmp_path, reported, extension):
    path = tmp_path / f"catalogue.{extension}"
    call_command("export_sessions", str(path), stdout=io.StringIO())
    if extension == "csv":
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
        (row,) = (row for row in rows if row["record"] == "session")
        assert row["report.key_takeaways"] == reported.key_takeaways
    before = {name: getattr(reported, name) for name in REPORT}
    Session.objects.filter(pk=reported.pk).update(
        report_summary="", key_takeaways="", calls_to_action=""
    )
    result = import_sessions(records=read_records(path=path))
    assert result.ok, result.errors
    assert result.updated == 1
    reported.refresh_from_db()
    assert {name: getattr(reported, name) for name in REPORT} == before
    assert re.search(r"<li>Train officials</li>", reported.key_takeaways)
