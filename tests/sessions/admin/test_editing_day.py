"""The admin as the secretariat's daily tool: deleting what was viewed, finding any
session, and saving a session without changing what was not touched."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from sessions.models import DailyViews, Session, Tag
from tests.factories import (
    DailyViewsFactory,
    EnablerFactory,
    ObjectiveFactory,
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TranscriptFactory,
    VenueFactory,
)
from tests.hostile import HOSTILE_VALUES
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


# Objectives and enablers offered from the strategies selected


def strategy_parts(
    client, field_name: str, strategies: str, term: str = "", status: int = 200
) -> list | None:
    """What the session form's picker offers, as the script asks for it."""
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalogue",
            "model_name": "session",
            "field_name": field_name,
            "term": term,
            "strategies": strategies,
        },
    )
    assert response.status_code == status
    return response.json()["results"] if status == 200 else None


def test_objectives_are_offered_from_the_strategies_selected_grouped_by_strategy(
    editor_client,
):
    mexico = StrategyFactory(name="Mexico's National Digital Strategy")
    kenya = StrategyFactory(name="Kenya Digital Masterplan")
    brazil = StrategyFactory(name="E-Digital Brazil")
    for strategy in (mexico, kenya, brazil):
        ObjectiveFactory(strategy=strategy, name="Digital economy", order=1)
        ObjectiveFactory(strategy=strategy, name="Digital skills", order=2)

    offered = strategy_parts(editor_client, "objectives", f"{mexico.pk},{kenya.pk}", "econ")

    assert offered == [
        {
            "text": "Kenya Digital Masterplan",
            "children": [
                {
                    "id": str(kenya.objectives.get(order=1).pk),
                    "text": "Digital economy — Kenya Digital Masterplan",
                }
            ],
        },
        {
            "text": "Mexico's National Digital Strategy",
            "children": [
                {
                    "id": str(mexico.objectives.get(order=1).pk),
                    "text": "Digital economy — Mexico's National Digital Strategy",
                }
            ],
        },
    ]


def test_enablers_follow_the_strategies_too_and_none_are_offered_before_one_is_chosen(
    editor_client,
):
    mexico = StrategyFactory(name="Mexico's National Digital Strategy")
    EnablerFactory(strategy=mexico, name="Open data")
    EnablerFactory(strategy=StrategyFactory(name="Kenya Digital Masterplan"), name="Open data")

    chosen = strategy_parts(editor_client, "enablers", str(mexico.pk))

    assert [group["text"] for group in chosen] == ["Mexico's National Digital Strategy"]
    assert strategy_parts(editor_client, "enablers", "") == []


@pytest.mark.parametrize("strategies", [*HOSTILE_VALUES, "9" * 30, "0," * 500])
def test_strategies_that_are_no_ids_offer_nothing_and_break_nothing(editor_client, strategies):
    ObjectiveFactory(name="Digital economy")

    if "\x00" in strategies:
        # The admin answers any address holding a NUL with a page saying it cannot be read.
        assert strategy_parts(editor_client, "objectives", strategies, status=400) is None
    else:
        assert strategy_parts(editor_client, "objectives", strategies) == []


def test_the_session_form_starts_the_pickers_that_follow_the_strategies(editor_client):
    page = editor_client.get(reverse("admin:catalogue_session_add")).content.decode()

    for name in ("objectives", "enablers"):
        select = page[page.index(f'<select name="{name}"') :].split(">", 1)[0]
        assert 'data-strategy-parts="strategies"' in select
        # Started by its own script, not Django's, which starts those of that class.
        assert 'class="admin-autocomplete"' not in select
    assert "js/admin-strategy-parts.js" in page


# Tags made by typing


def test_tags_typed_in_the_tag_field_are_created_when_the_session_is_saved(editor_client):
    session = SessionFactory(title="Tagged")
    ipv6 = TagFactory(name="IPv6")
    youth = TagFactory(name="Youth")
    data = session_form(session, tags=[str(youth.pk), "+AI governance", "+ipv6", "+2025"])

    response = editor_client.post(
        reverse("admin:catalogue_session_change", args=[session.pk]), data
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(session.tags.values_list("name", flat=True)) == [
        "2025",
        "AI governance",
        "IPv6",  # the tag of that name, whatever the case typed
        "Youth",
    ]
    assert Tag.objects.filter(name__iexact="ipv6").get() == ipv6
    assert Tag.objects.get(name="AI governance").slug == "ai-governance"


def test_a_name_sent_without_the_script_is_a_new_tag_too(editor_client):
    session = SessionFactory(title="Tagged")
    data = session_form(session, tags=["Open data"])

    editor_client.post(reverse("admin:catalogue_session_change", args=[session.pk]), data)

    assert list(session.tags.values_list("name", flat=True)) == ["Open data"]


def test_a_form_with_errors_creates_no_tag_and_keeps_the_name_typed(editor_client):
    session = SessionFactory(title="Tagged")
    data = session_form(session, tags=["+Digital commons"], date="not a date")

    response = editor_client.post(
        reverse("admin:catalogue_session_change", args=[session.pk]), data
    )

    assert response.status_code == 200
    assert not Tag.objects.filter(name="Digital commons").exists()
    assert '<option value="+Digital commons" selected>Digital commons</option>' in (
        response.content.decode()
    )


def test_the_tag_field_lets_a_name_be_typed(editor_client):
    page = editor_client.get(reverse("admin:catalogue_session_add")).content.decode()

    select = page[page.index('<select name="tags"') :].split(">", 1)[0]
    assert 'data-tags="true"' in select
    assert "js/admin-tags-by-typing.js" in page
