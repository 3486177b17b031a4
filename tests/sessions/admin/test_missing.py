"""What editors still have to add: the session list's "Lacks" filter, recordings
included, and what it costs."""

import datetime

import pytest
from django.urls import reverse

from sessions.models import Recording, Session
from tests.factories import (
    MeetingFactory,
    RecordingFactory,
    SessionFactory,
    TranscriptFactory,
    VenueFactory,
)
from tests.page_parsing import links

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:catalogue_session_changelist"


@pytest.fixture
def eurodig():
    """EuroDIG 2019 with a session recorded twice, one with a transcript only, one bare
    and a bare draft; and a bare session of another meeting."""
    hague = VenueFactory(city="The Hague", country="Netherlands")
    meeting = MeetingFactory(
        name="EuroDIG 2019", kind="regional", venue=hague, start_date=datetime.date(2019, 6, 19)
    )
    day = datetime.date(2019, 6, 19)
    recorded = SessionFactory(title="Recorded", meeting=meeting, date=day)
    RecordingFactory.create_batch(2, session=recorded)
    TranscriptFactory(session=SessionFactory(title="Transcribed", meeting=meeting, date=day))
    SessionFactory(title="Bare", meeting=meeting, date=day)
    SessionFactory(title="Draft", meeting=meeting, date=day, status=Session.Status.DRAFT)
    SessionFactory(title="Elsewhere", date=datetime.date(2015, 11, 12))
    return meeting


def listed(editor_client, query: str) -> list[str]:
    response = editor_client.get(reverse(CHANGELIST) + query)
    assert response.status_code == 200
    return sorted(session.title for session in response.context["cl"].result_list)


def test_lacks_a_recording_lists_exactly_the_sessions_without_one(editor_client, eurodig):
    query = f"?meeting__id__exact={eurodig.pk}&lacks=recording"
    assert listed(editor_client, query) == ["Bare", "Draft", "Transcribed"]
    assert listed(editor_client, "?lacks=recording") == [
        "Bare",
        "Draft",
        "Elsewhere",
        "Transcribed",
    ]
    # A recording added takes the session off the list.
    RecordingFactory(session=Session.objects.get(title="Bare"))
    assert listed(editor_client, query) == ["Draft", "Transcribed"]


def test_the_lacks_filter_offers_a_recording_beside_the_others(editor_client, eurodig):
    content = editor_client.get(reverse(CHANGELIST)).content.decode()
    offered = [text for href, text in links(content) if "lacks=" in href]
    assert offered == ["a description", "speakers", "a recording", "a transcript", "a report"]


def test_lacks_a_transcript_still_lists_a_recorded_session(editor_client, eurodig):
    query = f"?meeting__id__exact={eurodig.pk}&lacks=transcript"
    assert listed(editor_client, query) == ["Bare", "Draft", "Recorded"]


@pytest.mark.parametrize("session_count", [1, 3, 201])
def test_the_lacks_filter_costs_no_query_whatever_the_number_of_sessions(
    editor_client, django_assert_num_queries, session_count
):
    sessions = SessionFactory.create_batch(session_count, date=datetime.date(2015, 11, 12))
    Recording.objects.bulk_create(
        Recording(session=session, url=f"https://example.org/{n}.mp3")
        for n, session in enumerate(sessions[::2])
    )
    url = reverse(CHANGELIST) + "?lacks=recording"
    # As test_admin.py pins the unfiltered list: session, user, 2 x permissions, 4 x filter
    # choices, 2 x count, the page, and the date hierarchy's first and last date and years.
    with django_assert_num_queries(13):
        response = editor_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == session_count // 2
