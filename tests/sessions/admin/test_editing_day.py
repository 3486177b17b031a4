"""The admin as the secretariat's daily tool: deleting what was viewed, finding any
session, and saving a session without changing what was not touched."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from sessions.models import DailyViews, Session
from tests.factories import (
    DailyViewsFactory,
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    TagFactory,
    TranscriptFactory,
    VenueFactory,
)
from tests.sessions.admin.test_admin import session_form

pytestmark = pytest.mark.django_db


# Deleting a session that has been viewed


def test_an_editor_deletes_a_viewed_session_and_its_daily_views_go_with_it(editor_client):
    session = SessionFactory(title="Viewed often", views=12)
    DailyViewsFactory(session=session, views=7)
    kept = SessionFactory(title="Kept")
    DailyViewsFactory(session=kept, views=3)
    url = reverse("admin:catalogue_session_delete", args=[session.pk])

    confirmation = editor_client.get(url)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "permission to delete" not in page
    assert "Daily views: 1" in page  # what goes with it, listed

    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    assert list(DailyViews.objects.values_list("session_id", "views")) == [(kept.pk, 3)]


def test_a_daily_views_row_cannot_be_deleted_on_its_own(editor_client):
    daily = DailyViewsFactory(views=7)
    assert (
        editor_client.get(reverse("admin:catalogue_dailyviews_delete", args=[daily.pk])).status_code
        == 403
    )
    change_page = editor_client.get(reverse("admin:catalogue_dailyviews_change", args=[daily.pk]))
    assert "deletelink" not in change_page.content.decode()
    listing = editor_client.get(reverse("admin:catalogue_dailyviews_changelist"))
    assert "delete_selected" not in listing.content.decode()
    assert DailyViews.objects.filter(pk=daily.pk).exists()


# Finding any session


@pytest.fixture
def programme():
    lillestrom = VenueFactory(city="Lillestrøm", country="Norway")
    workshop = SessionFactory(title="Governing AI", key="igf2024-ws-17", venue=lillestrom)
    ParticipantFactory(session=workshop, speaker=SpeakerFactory(name="Arjun Mehta"))
    tagged = SessionFactory(title="Youth and the internet", tags=[TagFactory(name="Youth")])
    other = SessionFactory(title="Something else")
    return {"workshop": workshop, "tagged": tagged, "other": other}


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("Arjun Mehta", "workshop"),
        ("Lillestrøm", "workshop"),
        ("igf2024-ws-17", "workshop"),
        ("Youth", "tagged"),
        ("Governing", "workshop"),
    ],
)
def test_the_session_search_finds_a_session_by_speaker_venue_key_tag_or_title(
    editor_client, programme, search, found
):
    response = editor_client.get(reverse("admin:catalogue_session_changelist"), {"q": search})
    shown = list(response.context["cl"].result_list)
    assert shown == [programme[found]]


def test_a_session_with_many_speakers_is_found_once(editor_client):
    session = SessionFactory(title="Panel")
    for name in ("Ana Mehta", "Bea Mehta", "Caio Mehta"):
        ParticipantFactory(session=session, speaker=SpeakerFactory(name=name))
    response = editor_client.get(reverse("admin:catalogue_session_changelist"), {"q": "Mehta"})
    assert list(response.context["cl"].result_list) == [session]


# Saving without touching the transcript


def test_saving_a_session_leaves_an_untouched_transcript_byte_for_byte(editor_client):
    text = "Good morning.\nWelcome to the session.\n\nThank you."
    session = SessionFactory(title="Transcribed")
    transcript = TranscriptFactory(session=session, language="en", text=text)
    data = session_form(session)
    data.update(
        {
            "transcripts-TOTAL_FORMS": "1",
            "transcripts-INITIAL_FORMS": "1",
            "transcripts-0-id": str(transcript.pk),
            "transcripts-0-session": str(session.pk),
            "transcripts-0-language": "en",
            # What a browser sends back: the textarea's text with CRLF line ends.
            "transcripts-0-text": text.replace("\n", "\r\n"),
        }
    )
    response = editor_client.post(
        reverse("admin:catalogue_session_change", args=[session.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    transcript.refresh_from_db()
    assert transcript.text == text
    change = LogEntry.objects.get(object_id=str(session.pk)).get_change_message()
    assert "transcript" not in change.lower()
