"""The other endpoints (meetings, venues, session types, topics, strategies, speakers,
tags), and the number of queries of every endpoint."""

import datetime

import pytest

from sessions.models import Meeting, Session, Speaker, Tag
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def results(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Venues


def test_venues_latest_meeting_first_with_their_published_sessions(client, seed_session):
    SessionFactory(venue=seed_session.venue, status=Session.Status.DRAFT)
    assert results(client, "/api/venues/") == [
        {
            "slug": "joao-pessoa-brazil",
            "name": "João Pessoa, Brazil",
            "city": "João Pessoa",
            "country": "Brazil",
            "country_code": "TL",
            "time_zone": "",
            "meeting_number": 10,
            "start_date": "2015-11-10",
            "end_date": "2015-11-13",
            "session_count": 1,
            "site_url": "http://testserver/venues/joao-pessoa-brazil/",
        },
        {
            "slug": "rio-de-janeiro-brazil",
            "name": "Rio de Janeiro, Brazil",
            "city": "Rio de Janeiro",
            "country": "Brazil",
            "country_code": "TL",
            "time_zone": "",
            "meeting_number": 2,
            "start_date": "2007-11-12",
            "end_date": "2007-11-15",
            "session_count": 2,
            "site_url": "http://testserver/venues/rio-de-janeiro-brazil/",
        },
    ]


def test_venue_detail_is_the_venue_as_listed(client, seed_session):
    listed = results(client, "/api/venues/")[1]
    assert client.get("/api/venues/rio-de-janeiro-brazil/").json() == listed


def test_a_venues_meeting_fields_are_its_latest_annual_meetings(client, django_assert_num_queries):
    geneva = VenueFactory(city="Geneva", country="Switzerland")
    MeetingFactory(venue=geneva, number=4, start_date=datetime.date(2009, 11, 15))
    MeetingFactory(
        venue=geneva,
        number=12,
        start_date=datetime.date(2017, 12, 18),
        end_date=datetime.date(2017, 12, 21),
    )
    # Neither an annual meeting without dates nor a later meeting of another kind.
    MeetingFactory(venue=geneva, name="IGF to be dated", start_date=None, end_date=None)
    MeetingFactory(
        venue=geneva,
        name="Swiss IGF 2023",
        kind=Meeting.Kind.NATIONAL,
        start_date=datetime.date(2023, 6, 1),
    )
    kyoto = VenueFactory(city="Kyoto", country="Japan")
    MeetingFactory(
        venue=kyoto,
        name="Japan IGF 2023",
        kind=Meeting.Kind.NATIONAL,
        start_date=datetime.date(2023, 7, 1),
    )
    with django_assert_num_queries(2):  # count and page, whatever the meetings
        listed = {venue["slug"]: venue for venue in results(client, "/api/venues/")}
    meeting_fields = ("meeting_number", "start_date", "end_date")
    assert [listed["geneva-switzerland"][name] for name in meeting_fields] == [
        12,
        "2017-12-18",
        "2017-12-21",
    ]
    assert [listed["kyoto-japan"][name] for name in meeting_fields] == [None, None, None]
    for slug, venue in listed.items():
        assert client.get(f"/api/venues/{slug}/").json() == venue


def test_unknown_venue_is_a_404(client):
    assert client.get("/api/venues/atlantis/").status_code == 404


# Meetings


def test_meetings_latest_first_with_their_venue(client):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    MeetingFactory(
        name="EuroDIG 2019",
        kind=Meeting.Kind.REGIONAL,
        venue=hague,
        start_date=datetime.date(2019, 6, 19),
        end_date=datetime.date(2019, 6, 20),
        website="https://eurodig.org/",
        description="<p>Messages from The Hague</p>",
    )
    berlin = VenueFactory(city="Berlin", country="Germany")
    MeetingFactory(
        name="IGF 2019",
        number=14,
        theme="One World. One Net. One Vision.",
        venue=berlin,
        start_date=datetime.date(2019, 11, 25),
        end_date=datetime.date(2019, 11, 29),
    )
    # Published sessions are counted; a draft is not.
    SessionFactory(venue=berlin, date=datetime.date(2019, 11, 26))
    SessionFactory(venue=berlin, date=datetime.date(2019, 11, 26), status=Session.Status.DRAFT)
    MeetingFactory(
        name="Undated", kind=Meeting.Kind.NATIONAL, venue=hague, start_date=None, end_date=None
    )
    listed = results(client, "/api/meetings/")
    assert [meeting["name"] for meeting in listed] == ["IGF 2019", "EuroDIG 2019", "Undated"]
    assert listed[0] == {
        "slug": "igf-2019",
        "name": "IGF 2019",
        "kind": "annual",
        "number": 14,
        "theme": "One World. One Net. One Vision.",
        "start_date": "2019-11-25",
        "end_date": "2019-11-29",
        "venue": "berlin-germany",
        "venue_name": "Berlin, Germany",
        "website": "",
        "description": "",
        "session_count": 1,
        "site_url": "http://testserver/meetings/igf-2019/",
    }
    assert listed[1]["kind"] == "regional" and listed[1]["number"] is None
    assert listed[1]["session_count"] == 0
    assert listed[1]["description"] == "<p>Messages from The Hague</p>"
    for meeting in listed:
        assert client.get(f"/api/meetings/{meeting['slug']}/").json() == meeting


def test_unknown_meeting_is_a_404(client):
    assert client.get("/api/meetings/igf-1999/").status_code == 404


# Session types and topics


def test_session_types_by_name_with_their_published_sessions(client):
    workshop = SessionTypeFactory(name="Workshop")
    SessionFactory.create_batch(2, type=workshop)
    SessionFactory(type=workshop, status=Session.Status.DRAFT)
    SessionTypeFactory(name="Lightning Talk")
    assert results(client, "/api/session-types/") == [
        {
            "name": "Lightning Talk",
            "slug": "lightning-talk",
            "session_count": 0,
            "site_url": "http://testserver/sessions/?type=lightning-talk",
        },
        {
            "name": "Workshop",
            "slug": "workshop",
            "session_count": 2,
            "site_url": "http://testserver/sessions/?type=workshop",
        },
    ]
    assert client.get("/api/session-types/workshop/").json()["session_count"] == 2


def test_topics_by_name_with_their_published_sessions(client):
    SessionFactory(topic=TopicFactory(name="Cybersecurity and Trust"))
    TopicFactory(name="Other")
    assert results(client, "/api/topics/") == [
        {
            "name": "Cybersecurity and Trust",
            "slug": "cybersecurity-and-trust",
            "session_count": 1,
            "site_url": "http://testserver/sessions/?topic=cybersecurity-and-trust",
        },
        {
            "name": "Other",
            "slug": "other",
            "session_count": 0,
            "site_url": "http://testserver/sessions/?topic=other",
        },
    ]
    assert client.get("/api/topics/other/").json()["session_count"] == 0


def test_a_type_or_topic_site_url_lists_its_sessions(client, seed_session):
    for endpoint in ("session-types", "topics"):
        for item in results(client, f"/api/{endpoint}/"):
            page = client.get(item["site_url"].removeprefix("http://testserver"))
            assert page.status_code == 200
            assert (
                page.content.decode().count('class="session-tile-title"') == (item["session_count"])
            )


# Strategies


def test_strategy_detail_with_its_objectives_and_enablers_in_order(client, seed_session):
    strategy = seed_session.strategies.get()
    # Listed by their order, whatever the order they were written in.
    strategy.objectives.filter(name="Government transformation").update(order=9)
    strategy.owner = "Office of the President"
    strategy.link = "https://www.gob.mx/mexicodigital"
    strategy.description = "<p>Five objectives, five enablers.</p>"
    strategy.save()
    data = client.get("/api/strategies/national-digital-strategy/").json()
    assert data == {
        "slug": "national-digital-strategy",
        "name": "National Digital Strategy",
        "country": "Mexico",
        "owner": "Office of the President",
        "year": 2013,
        "description": "<p>Five objectives, five enablers.</p>",
        "link": "https://www.gob.mx/mexicodigital",
        "objectives": [
            {"name": name, "description": "", "order": order}
            for name, order in [
                ("Digital economy", 1),
                ("Quality education", 2),
                ("Effective universal health", 3),
                ("Public safety", 4),
                ("Government transformation", 9),
            ]
        ],
        "enablers": [
            {"name": name, "description": "", "order": order}
            for order, name in enumerate(
                [
                    "Connectivity",
                    "Digital skills and inclusion",
                    "Interoperability",
                    "Legal framework",
                    "Open data",
                ]
            )
        ],
        "session_count": 1,
        "site_url": "http://testserver/strategies/national-digital-strategy/",
    }


def test_strategies_by_name_counting_published_sessions_only(client):
    kenya = StrategyFactory(name="Digital Economy Blueprint", year=None)
    StrategyFactory(name="Agenda Digital")
    SessionFactory(strategies=[kenya])
    SessionFactory(strategies=[kenya], status=Session.Status.DRAFT)
    listed = results(client, "/api/strategies/")
    assert [(s["name"], s["year"], s["session_count"]) for s in listed] == [
        ("Agenda Digital", 2013, 0),
        ("Digital Economy Blueprint", None, 1),
    ]


def test_a_strategy_link_that_is_not_a_web_address_is_left_out(client):
    strategy = StrategyFactory()
    type(strategy).objects.filter(pk=strategy.pk).update(link="javascript:alert(1)")
    assert client.get(f"/api/strategies/{strategy.slug}/").json()["link"] == ""


# Speakers


def test_speakers_of_published_sessions_only(client, seed_session_with_people):
    only_in_a_draft = SpeakerFactory(name="Zoe Draft")
    ParticipantFactory(speaker=only_in_a_draft, session=SessionFactory(status=Session.Status.DRAFT))
    names = [speaker["name"] for speaker in results(client, "/api/speakers/")]
    assert names == ["Ana Pérez", "Bruno Silva", "Carla Ortiz"]
    assert client.get(f"/api/speakers/{only_in_a_draft.slug}/").status_code == 404


def test_speaker_detail_has_the_documented_shape(client, seed_session_with_people):
    Speaker.objects.filter(slug="ana-perez").update(bio_link="https://example.org/ana")
    assert client.get("/api/speakers/ana-perez/").json() == {
        "slug": "ana-perez",
        "name": "Ana Pérez",
        "organisation": "Government of Mexico",
        "stakeholder_group": "government",
        "regional_group": "grulac",
        "bio_link": "https://example.org/ana",
        "session_count": 1,
        "site_url": "http://testserver/speakers/ana-perez/",
    }


# Tags


def test_tags_of_published_sessions_by_name(client, seed_session_with_people):
    SessionFactory(status=Session.Status.DRAFT, tags=[TagFactory(name="Drafts only")])
    assert results(client, "/api/tags/") == [
        {
            "name": "Digital economy",
            "slug": "digital-economy",
            "session_count": 1,
            "site_url": "http://testserver/tags/digital-economy/",
        },
        {
            "name": "Open data",
            "slug": "open-data",
            "session_count": 1,
            "site_url": "http://testserver/tags/open-data/",
        },
    ]
    assert client.get("/api/tags/open-data/").json()["session_count"] == 1
    drafts_only = Tag.objects.get(name="Drafts only")
    assert client.get(f"/api/tags/{drafts_only.slug}/").status_code == 404


# Every endpoint runs a fixed number of queries

SESSION_COUNTS = [1, 201]


def endpoint_urls() -> list[tuple[str, int]]:
    """(URL, queries): each endpoint's list and one object of it."""
    return [
        # The catalogue version and the years with sessions (the FilterSet's year
        # choices, kept per version), count, page, then one query each for strategies,
        # objectives, enablers, participants, tags, related, recordings, documents.
        ("/api/sessions/", 12),
        ("/api/sessions/?sort=-views&page_size=100", 12),
        # As above, plus one look-up for each of the six slugs.
        (
            "/api/sessions/?year=2007&venue=rio-de-janeiro-brazil&type=workshop&topic=other"
            "&strategy=national-digital-strategy&speaker={speaker}&stakeholder=government"
            "&tag={tag}&q=session&sort=title",
            18,
        ),
        # The session, then its eight kinds of linked objects.
        ("/api/sessions/{session}/", 9),
        # Count and page; the object alone.
        ("/api/meetings/", 2),
        ("/api/meetings/igf-2015/", 1),
        ("/api/venues/", 2),
        ("/api/venues/rio-de-janeiro-brazil/", 1),
        ("/api/session-types/", 2),
        ("/api/session-types/workshop/", 1),
        ("/api/topics/", 2),
        ("/api/topics/other/", 1),
        # Count, page, objectives, enablers; the object, objectives, enablers.
        ("/api/strategies/", 4),
        ("/api/strategies/national-digital-strategy/", 3),
        ("/api/speakers/", 2),
        ("/api/speakers/{speaker}/", 1),
        ("/api/tags/", 2),
        ("/api/tags/{tag}/", 1),
    ]


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
@pytest.mark.parametrize(("url", "queries"), endpoint_urls())
def test_endpoint_query_count(
    client, django_assert_num_queries, make_full_catalogue, session_count, url, queries
):
    sessions = make_full_catalogue(session_count)
    session = sessions[-1]
    speaker = session.participants.get().speaker
    url = url.format(session=session.slug, speaker=speaker.slug, tag=session.tags.get().slug)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    # Something was read, so every query of the count ran.
    assert data.get("results", [data]) != []


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_the_session_list_asked_again_costs_one_query(
    client, django_assert_num_queries, make_full_catalogue, session_count
):
    make_full_catalogue(session_count)
    first = client.get("/api/sessions/?sort=title&page=1")
    with django_assert_num_queries(1):  # the catalogue version
        again = client.get("/api/sessions/?sort=title&page=1")
    assert again.json() == first.json()


def test_the_next_page_of_the_session_list_is_not_counted_again(
    client, django_assert_num_queries, make_full_catalogue
):
    make_full_catalogue(30)
    first = client.get("/api/sessions/?sort=title&page_size=10")
    # The catalogue version, the page, then one query each for its eight kinds of
    # linked objects: the count, like the years of the filter, was kept for the version.
    with django_assert_num_queries(10):
        second = client.get(first.json()["next"])
    assert second.json()["count"] == 30


def test_a_session_published_since_shows_in_the_count(client, make_full_catalogue):
    make_full_catalogue(3)
    assert client.get("/api/sessions/").json()["count"] == 3
    SessionFactory()
    assert client.get("/api/sessions/?page_size=10").json()["count"] == 4


def test_the_session_list_is_kept_for_each_media_type_asked_for(client, make_full_catalogue):
    make_full_catalogue(2)
    compact = client.get("/api/sessions/")
    indented = client.get("/api/sessions/", headers={"accept": "application/json; indent=4"})
    assert compact["Content-Type"] == indented["Content-Type"] == "application/json"
    assert indented.json() == compact.json()
    assert b"\n" not in compact.content
    assert b'\n    "count": 2' in indented.content
    assert client.get("/api/sessions/").content == compact.content


def test_an_edit_shows_at_once_in_the_session_list(client, make_full_catalogue):
    session = make_full_catalogue(1)[-1]
    client.get("/api/sessions/")
    session.title = "Renamed by an editor"
    session.save()
    titles = [item["title"] for item in client.get("/api/sessions/").json()["results"]]
    assert "Renamed by an editor" in titles
