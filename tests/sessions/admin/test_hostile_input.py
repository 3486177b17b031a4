"""The admin with the hostile values the public pages survive: every list page, filter,
search, autocomplete, prefilled add form and doctored form answers without a server
error, and values the catalogue cannot hold are refused with a clear message."""

import pytest
from django.urls import reverse

from sessions.models import Meeting, Session, Venue
from tests.factories import (
    SessionFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    VenueFactory,
)
from tests.hostile import HOSTILE_VALUES
from tests.sessions.admin.test_admin import new_session_form, session_form

pytestmark = pytest.mark.django_db

# Each admin list and the parameters it reads: search, order, page, and its filters.
LIST_PAGES = {
    "admin:catalogue_session_changelist": [
        "status", "meeting__kind__exact", "meeting__id__exact", "meeting__venue__id__exact",
        "type__id__exact", "topic__id__exact", "date__year", "date__month", "date__day",
        "lacks",
    ],
    "admin:catalogue_meeting_changelist": ["kind__exact"],
    "admin:catalogue_speaker_changelist": ["stakeholder_group", "regional_group"],
    "admin:catalogue_venue_changelist": [],
    "admin:catalogue_sessiontype_changelist": [],
    "admin:catalogue_topic_changelist": [],
    "admin:catalogue_tag_changelist": [],
    "admin:catalogue_dailyviews_changelist": ["day__year", "day__month"],
    "admin:strategies_strategy_changelist": ["country"],
    "admin:strategies_objective_changelist": [],
    "admin:strategies_enabler_changelist": [],
}  # fmt: skip
EVERY_LIST_READS = ["q", "o", "p", "all"]
AUTOCOMPLETES = [
    ("catalogue", "session", "related"),
    ("catalogue", "session", "tags"),
    ("catalogue", "session", "objectives"),
    ("catalogue", "session", "meeting"),
    ("catalogue", "meeting", "venue"),
    ("catalogue", "participant", "speaker"),
]


@pytest.fixture
def catalogue():
    session = SessionFactory(tags=[TagFactory(name="Youth")], strategies=[StrategyFactory()])
    SpeakerFactory(name="Arjun Mehta")
    return session


@pytest.mark.parametrize("page", LIST_PAGES)
def test_every_admin_list_survives_every_hostile_value_in_each_parameter(
    editor_client, catalogue, page
):
    url = reverse(page)
    shown = 0
    for parameter in [*EVERY_LIST_READS, *LIST_PAGES[page]]:
        for value in HOSTILE_VALUES:
            response = editor_client.get(url, {parameter: value})
            # The list, Django's own redirect for a lookup it cannot apply (?e=1), or the
            # page refusing a NUL character: never a server error.
            assert response.status_code in (200, 302, 400), (parameter, value)
            if response.status_code == 302:
                assert response["Location"].endswith("?e=1"), (parameter, value)
            elif response.status_code == 200:
                assert "admin/change_list.html" in [t.name for t in response.templates]
                shown += 1
    assert shown  # the searches, orders and filters did run


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalogue/session/?status=%00",
        "/admin/catalogue/speaker/?stakeholder_group=%00",
        "/admin/strategies/strategy/?country=%00",
        "/admin/catalogue/session/?q=a%00b",
        "/admin/catalogue/session/add/?meeting=%00",
        "/admin/catalogue/session/add/?related=%00",
    ],
)
def test_a_nul_character_in_an_admin_address_is_refused_with_a_message(editor_client, path):
    response = editor_client.get(path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This address cannot be read" in page
    assert "holds a NUL character" in page


@pytest.mark.parametrize(("app_label", "model_name", "field_name"), AUTOCOMPLETES)
def test_autocompletes_survive_every_hostile_term(
    editor_client, catalogue, app_label, model_name, field_name
):
    for value in HOSTILE_VALUES:
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": app_label,
                "model_name": model_name,
                "field_name": field_name,
                "term": value,
            },
        )
        assert response.status_code in (200, 400, 403, 404), (value, response.status_code)


@pytest.mark.parametrize(
    "query",
    ["tags=abc", "tags=1,abc,99999999999999999999", "meeting=abc", "related=-1", "type=1.5"],
)
def test_an_add_form_prefilled_with_values_that_are_no_keys_still_opens(
    editor_client, catalogue, query
):
    response = editor_client.get(f"/admin/catalogue/session/add/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"meeting": "abc"},
        {"meeting": "\x00"},
        {"meeting": "99999999999999999999"},
        # A name that is no tag's is a new tag (see test_editing_day.py); these are not.
        {"tags": ["99999999999999999999"]},
        {"tags": ["+"]},
        {"tags": ["\x00"]},
        {"tags": ["+" + "x" * 101]},
        {"related": ["1", "abc"]},
        {"objectives": ["abc"]},
    ],
)
def test_a_doctored_form_is_shown_again_with_its_errors(editor_client, catalogue, changes):
    response = editor_client.post(
        reverse("admin:catalogue_session_add"), new_session_form() | changes
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Session.objects.filter(key="igf2015-mexico-msh").exists()


# Values valid one by one, but not together or not at all


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "0001-01-01"}, "date", "greater than or equal to 2005-01-01"),
        ({"date": "2150-01-01"}, "date", "less than or equal to 2099-12-31"),
        ({"start_time": "11:00", "end_time": "10:30"}, "end_time", "after the start time"),
        ({"start_time": "11:00", "end_time": "11:00"}, "end_time", "after the start time"),
        ({"end_time": "10:30"}, "end_time", "An end time needs a start time."),
        ({"description": "x" * 100_001}, "description", "at most 100000 characters"),
    ],
)
def test_a_session_form_refuses_what_the_catalogue_cannot_hold(
    editor_client, changes, field, message
):
    response = editor_client.post(
        reverse("admin:catalogue_session_add"), new_session_form() | changes
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert not Session.objects.filter(key="igf2015-mexico-msh").exists()


def test_a_transcript_longer_than_the_limit_is_refused(editor_client, catalogue):
    data = session_form(catalogue)
    data.update(
        {
            "transcripts-TOTAL_FORMS": "1",
            "transcripts-0-language": "en",
            "transcripts-0-text": "x" * 1_000_001,
        }
    )
    response = editor_client.post(
        reverse("admin:catalogue_session_change", args=[catalogue.pk]), data
    )
    assert response.status_code == 200
    assert "at most 1000000 characters" in response.content.decode()
    assert not catalogue.transcripts.exists()


def venue_form(**changes) -> dict:
    return {
        "city": "Riyadh",
        "country": "Saudi Arabia",
        "country_code": "SA",
        "slug": "riyadh-saudi-arabia",
        "time_zone": "Asia/Riyadh",
        **changes,
    }


def test_a_venue_form_refuses_a_time_zone_that_is_none(editor_client):
    form = venue_form(time_zone="Mars/Olympus")
    response = editor_client.post(reverse("admin:catalogue_venue_add"), form)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["time_zone"])
    assert "“Mars/Olympus” is not a time zone" in errors
    assert not Venue.objects.filter(city="Riyadh").exists()


def meeting_form(venue: Venue, **changes) -> dict:
    return {
        "name": "IGF 2024",
        "slug": "igf-2024",
        "kind": "annual",
        "number": "19",
        "theme": "Building our Multistakeholder Digital Future",
        "start_date": "2024-12-15",
        "end_date": "2024-12-19",
        "venue": str(venue.pk),
        "website": "",
        "description": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2024-12-14"}, "end_date", "The last day cannot come before the first."),
        ({"kind": "national"}, "number", "Only an annual IGF has a number."),
        ({"number": "-1"}, "number", "greater than or equal to 0"),
        ({"start_date": "2024-02-30"}, "start_date", "Enter a valid date."),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
    ],
)
def test_a_meeting_form_refuses_what_the_catalogue_cannot_hold(
    editor_client, changes, field, message
):
    venue = VenueFactory(city="Riyadh", country="Saudi Arabia")
    response = editor_client.post(
        reverse("admin:catalogue_meeting_add"), meeting_form(venue, **changes)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not Meeting.objects.exists()


def test_a_meeting_description_is_sanitised(editor_client):
    venue = VenueFactory(city="Riyadh", country="Saudi Arabia")
    form = meeting_form(venue, description='<p onclick="x()">Hosted <script>x()</script>here</p>')
    response = editor_client.post(reverse("admin:catalogue_meeting_add"), form)
    assert response.status_code == 302
    assert Meeting.objects.get().description == "<p>Hosted here</p>"


def test_a_real_venue_is_saved(editor_client):
    response = editor_client.post(reverse("admin:catalogue_venue_add"), venue_form())
    assert response.status_code == 302
    assert Venue.objects.get(city="Riyadh").time_zone == "Asia/Riyadh"


@pytest.mark.parametrize(
    "page", ["admin:catalogue_session_changelist", "admin:catalogue_dailyviews_changelist"]
)
@pytest.mark.parametrize("year", ["9999", "99999999999999999999"])
def test_a_year_no_date_can_have_is_a_lookup_the_list_cannot_apply(editor_client, page, year):
    field = "date" if "session" in page else "day"
    response = editor_client.get(reverse(page), {f"{field}__year": year})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("selected", ["abc", "\x00", "99999999999999999999"])
def test_an_action_on_rows_that_could_be_no_keys_asks_for_a_selection(
    editor_client, catalogue, selected
):
    response = editor_client.post(
        reverse("admin:catalogue_session_changelist"),
        {"action": "publish", "_selected_action": [selected], "index": "0", "select_across": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Items must be selected in order to perform actions on them." in (
        response.content.decode()
    )
