"""The public pages of the sessions app: home, session list and page, venues, years, errors."""

import datetime
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone

from igf_catalogue.errors import server_error
from sessions.models import Participant, Session
from sessions.search import refresh_search_vectors
from tests.conftest import on_postgresql
from tests.factories import (
    DailyViewsFactory,
    EditorFactory,
    MeetingFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    VenueFactory,
    annual_meeting_at,
)
from tests.page_parsing import (
    first_element,
    link_texts,
    links,
    markup_problems,
    section,
    visible_text,
)

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SEED_URL = "/sessions/mexico-the-national-digital-strategy-and-the-msh-model/"


def header_line(content: str) -> str:
    return visible_text(first_element(content, "p", "header-line"))


def related_section(content: str) -> str:
    return section(content, "related-heading")


# The session page


def test_session_page_shows_the_title_as_its_only_h1(client, seed_session):
    content = client.get(SEED_URL).content.decode()
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", content) == [seed_session.title]


def test_session_page_header_line_is_exactly_the_spec(client, seed_session):
    content = client.get(SEED_URL).content.decode()
    assert header_line(content) == "12 November 2015 - A Workshop on Other in João Pessoa, Brazil"


def test_session_page_links_type_topic_and_venue_to_the_filtered_list(client, seed_session):
    content = client.get(SEED_URL).content.decode()
    assert links(first_element(content, "p", "header-line")) == [
        ("/sessions/?type=workshop", "Workshop"),
        ("/sessions/?topic=other", "Other"),
        ("/sessions/?venue=joao-pessoa-brazil", "João Pessoa, Brazil"),
    ]


@pytest.mark.parametrize("target", ["type=workshop", "topic=other", "venue=joao-pessoa-brazil"])
def test_header_line_links_lead_to_a_list_holding_the_session(client, seed_session, target):
    response = client.get(f"/sessions/?{target}")
    assert response.status_code == 200
    assert seed_session.title in link_texts(response.content.decode(), "session-tile-title")


@pytest.mark.parametrize(
    ("type_name", "article"),
    [("Open Forum", "An"), ("Workshop", "A"), ("Main Session", "A"), ("Intersessional", "An")],
)
def test_header_line_uses_an_before_a_vowel(client, type_name, article):
    session = SessionFactory(type=SessionTypeFactory(name=type_name))
    content = client.get(session.get_absolute_url()).content.decode()
    assert header_line(content) == (
        f"12 November 2015 - {article} {type_name} on Other in João Pessoa, Brazil"
    )
    list_content = client.get("/sessions/").content.decode()
    assert header_line(list_content) == header_line(content)


def test_header_line_of_an_online_session_says_held_online(client):
    session = SessionFactory(
        venue=VenueFactory(city="Online", country=""), date=datetime.date(2020, 11, 2)
    )
    content = client.get(session.get_absolute_url()).content.decode()
    assert header_line(content) == "2 November 2020 - A Workshop on Other held Online"


def test_session_page_shows_the_description_as_html(client, seed_session):
    content = client.get(SEED_URL).content.decode()
    description = first_element(content, "div", "description")
    assert description == seed_session.description
    assert visible_text(description) == (
        "Mexico's National Digital Strategy, its 5 objectives and 5 enablers."
    )


def test_hostile_html_in_a_description_never_reaches_the_page(client):
    session = SessionFactory(
        description=(
            '<p onclick="alert(1)">Kept <strong>text</strong></p>'
            "<script>alert(2)</script><style>body{display:none}</style>"
            '<img src="x" onerror="alert(3)">'
            '<a href="javascript:alert(4)">link</a>'
            '<iframe src="https://example.com"></iframe>'
        )
    )
    content = client.get(session.get_absolute_url()).content.decode().lower()
    # The one script element is the page's JSON-LD, a data block no browser runs.
    assert re.findall(r"<script\b[^>]*>", content) == ['<script type="application/ld+json">']
    for hostile in ("alert(", "onerror", "onclick", "javascript:", "<style", "<iframe"):
        assert hostile not in content
    assert "kept <strong>text</strong>" in content


def test_session_page_shows_the_strategy_with_its_objectives_and_enablers_in_order(
    client, seed_session
):
    content = client.get(SEED_URL).content.decode()
    strategies = section(content, "strategies-heading")
    assert "National Digital Strategy" in strategies
    objectives, enablers = re.findall(r"<ol>(.*?)</ol>", strategies, re.S)
    assert [
        visible_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", objectives, re.S)
    ] == [
        "Government transformation",
        "✓ Digital economy (discussed in this session)",
        "Quality education",
        "Effective universal health",
        "Public safety",
    ]
    assert [visible_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", enablers, re.S)] == [
        "✓ Connectivity (discussed in this session)",
        "Digital skills and inclusion",
        "Interoperability",
        "Legal framework",
        "✓ Open data (discussed in this session)",
    ]


def test_tagged_objectives_are_marked_for_sight_and_for_screen_readers(client, seed_session):
    content = client.get(SEED_URL).content.decode()
    tagged = re.findall(r'<li class="tagged">(.*?)</li>', content, re.S)
    assert len(tagged) == 3
    for item in tagged:
        assert '<span class="tag-mark" aria-hidden="true">✓</span>' in item
        assert '<span class="visually-hidden"> (discussed in this session)</span>' in item


def test_the_tag_legend_shows_only_when_something_is_tagged(client, seed_session):
    assert "marks the objectives and enablers" in client.get(SEED_URL).content.decode()
    seed_session.objectives.clear()
    seed_session.enablers.clear()
    assert "marks the objectives and enablers" not in client.get(SEED_URL).content.decode()


def test_strategy_on_the_session_page_links_to_the_strategy_page(client, seed_session):
    content = client.get(SEED_URL).content.decode()
    strategy = seed_session.strategies.get()
    assert (strategy.get_absolute_url(), "National Digital Strategy") in links(content)


def test_session_page_without_strategies_has_no_strategy_section(client):
    session = SessionFactory()
    content = client.get(session.get_absolute_url()).content.decode()
    assert "Strategies presented" not in content


def test_session_page_lists_the_related_sessions_as_the_spec_shows_them(client, seed_session):
    related = related_section(client.get(SEED_URL).content.decode())
    items = [visible_text(item) for item in re.findall(r"<li>(.*?)</li>", related, re.S)]
    assert items == [
        "Main Session on Access Main Session in Rio de Janeiro on Other "
        "12 November 2007 | 1,127 views",
        "Best Practice Forum on Openness Best Practice Forum in Rio de Janeiro on Other "
        "12 November 2007 | 852 views",
    ]


def test_related_sessions_link_their_title_type_city_and_topic(client, seed_session):
    related = related_section(client.get(SEED_URL).content.decode())
    first_item = re.findall(r"<li>(.*?)</li>", related, re.S)[0]
    main_session = Session.objects.get(title="Main Session on Access")
    assert links(first_item) == [
        (main_session.get_absolute_url(), "Main Session on Access"),
        ("/sessions/?type=main-session", "Main Session"),
        ("/sessions/?venue=rio-de-janeiro-brazil", "Rio de Janeiro"),
        ("/sessions/?topic=other", "Other"),
    ]


def test_related_sessions_follow_the_steps_most_viewed_first_within_each(client):
    strategy = StrategyFactory()
    other_topic = TopicFactory(name="Cybersecurity and Trust")
    main = SessionTypeFactory(name="Main Session")
    session = SessionFactory(title="Subject", strategies=[strategy])
    same_topic = SessionFactory(title="Same topic", type=main, views=5000)
    SessionFactory(title="Same topic and type, fewer views", views=10)
    SessionFactory(title="Same topic and type", views=20)
    SessionFactory(title="Unrelated", topic=other_topic, type=main, views=9999)
    shared = SessionFactory(
        title="Shared strategy", topic=other_topic, type=main, views=1, strategies=[strategy]
    )
    linked = SessionFactory(title="Linked by hand", topic=other_topic, type=main, views=0)
    session.related.add(linked)
    content = client.get(session.get_absolute_url()).content.decode()
    assert link_texts(related_section(content), "session-tile-title") == [
        "Linked by hand",
        "Shared strategy",
        "Same topic and type",
    ]
    # Remove the two best steps and the next ones move up; "Unrelated" never shows.
    session.related.clear()
    shared.delete()
    content = client.get(session.get_absolute_url()).content.decode()
    assert link_texts(related_section(content), "session-tile-title") == [
        "Same topic and type",
        "Same topic and type, fewer views",
        same_topic.title,
    ]


def test_related_sessions_are_unique_published_and_never_the_session_itself(client):
    strategy = StrategyFactory()
    session = SessionFactory(title="Subject", strategies=[strategy])
    everywhere = SessionFactory(title="In every step", views=1, strategies=[strategy])
    draft = SessionFactory(title="Draft", status=Session.Status.DRAFT, views=100)
    session.related.add(everywhere, draft, session)
    content = client.get(session.get_absolute_url()).content.decode()
    assert link_texts(related_section(content), "session-tile-title") == ["In every step"]


def test_at_most_three_related_sessions_are_shown(client):
    session = SessionFactory(title="Subject")
    SessionFactory.create_batch(6)
    content = client.get(session.get_absolute_url()).content.decode()
    assert len(link_texts(related_section(content), "session-tile-title")) == 3


def test_session_without_related_sessions_says_so(client):
    session = SessionFactory(topic=TopicFactory(name="Lonely"))
    content = client.get(session.get_absolute_url()).content.decode()
    assert "No related sessions yet." in related_section(content)


def test_session_page_shows_the_view_count_including_this_view(client, seed_session):
    response = client.get(SEED_URL, headers={"user-agent": BROWSER})
    assert visible_text(first_element(response.content.decode(), "p", "views")) == "42 views"
    seed_session.refresh_from_db()
    assert seed_session.views == 42


def test_session_page_shows_the_count_unchanged_for_a_visit_not_counted(client, seed_session):
    # The test client sends no User-Agent, so it is not a browser and not counted.
    response = client.get(SEED_URL)
    assert visible_text(first_element(response.content.decode(), "p", "views")) == "41 views"


def test_one_view_is_singular(client):
    session = SessionFactory(views=0)
    response = client.get(session.get_absolute_url(), headers={"user-agent": BROWSER})
    assert visible_text(first_element(response.content.decode(), "p", "views")) == "1 view"


def test_session_page_links_to_the_official_page_only_when_it_is_a_web_address(client):
    session = SessionFactory(url="https://www.intgovforum.org/en/content/ws-1")
    assert (
        'href="https://www.intgovforum.org/en/content/ws-1"'
        in client.get(session.get_absolute_url()).content.decode()
    )
    Session.objects.filter(pk=session.pk).update(url="javascript:alert(1)")
    assert "javascript:" not in client.get(session.get_absolute_url()).content.decode()


def test_draft_is_a_404_for_anonymous_visitors(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_draft_is_a_404_for_a_logged_in_visitor_who_is_not_an_editor(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_is_shown_to_editors_with_a_banner_and_is_not_counted(client):
    draft = SessionFactory(status=Session.Status.DRAFT, views=0)
    client.force_login(EditorFactory())
    response = client.get(draft.get_absolute_url(), headers={"user-agent": BROWSER})
    assert response.status_code == 200
    banner = first_element(response.content.decode(), "p", "banner banner-draft")
    assert visible_text(banner).startswith("Draft")
    assert "no-store" in response["Cache-Control"]
    draft.refresh_from_db()
    assert draft.views == 0


def test_published_session_page_has_no_draft_banner(client, seed_session):
    client.force_login(EditorFactory())
    assert "banner-draft" not in client.get(SEED_URL).content.decode()


def test_unknown_session_is_the_sites_404_page(client):
    response = client.get("/sessions/no-such-session/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "<h1>Page not found</h1>" in content
    assert 'href="/static/css/site.css"' in content
    assert '<nav aria-label="Main">' in content


# The session list


def test_session_list_rows_show_title_link_header_line_and_views(client, seed_session):
    content = client.get("/sessions/?venue=joao-pessoa-brazil").content.decode()
    tile = first_element(content, "li", "session-tile")
    assert links(tile) == [(SEED_URL, seed_session.title)]
    assert header_line(tile) == "12 November 2015 - A Workshop on Other in João Pessoa, Brazil"
    assert visible_text(first_element(tile, "p", "views")) == "41 views"


def test_session_list_shows_published_sessions_only(client, make_catalogue):
    make_catalogue(3)
    content = client.get("/sessions/").content.decode()
    titles = link_texts(content, "session-tile-title")
    assert len(titles) == 3
    assert "A draft" not in titles


def test_session_list_shows_the_result_count(client, make_catalogue):
    make_catalogue(25)
    content = client.get("/sessions/").content.decode()
    assert "25 sessions, showing 1–20" in visible_text(section(content, "results-heading"))


def test_session_list_pages_by_twenty(client, make_catalogue):
    make_catalogue(45)
    pages = [
        link_texts(client.get(f"/sessions/?page={n}").content.decode(), "session-tile-title")
        for n in (1, 2, 3)
    ]
    assert [len(page) for page in pages] == [20, 20, 5]
    assert len({title for page in pages for title in page}) == 45


@pytest.mark.parametrize(
    ("page", "shown_page"),
    [
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("0", 3),
        ("-1", 3),
        ("99999", 3),
        ("9" * 5000, 1),
        ("%00", 1),
        ("2", 2),
    ],
)
def test_page_numbers_out_of_range_or_not_numbers_give_a_page(
    client, make_catalogue, page, shown_page
):
    make_catalogue(45)
    response = client.get(f"/sessions/?sort=title&page={page}", follow=True)
    assert response.status_code == 200
    assert response.context["page"].number == shown_page


def test_pagination_links_keep_the_filters(client, make_catalogue):
    make_catalogue(90)
    content = client.get(
        "/sessions/?venue=rio-de-janeiro-brazil&sort=-views&page=2"
    ).content.decode()
    pagination = re.search(r'<nav class="pagination"[^>]*>(.*?)</nav>', content, re.S).group(1)
    hrefs = {text: href for href, text in links(pagination)}
    assert hrefs["Next page"] == "?venue=rio-de-janeiro-brazil&sort=-views&page=3"
    assert hrefs["Previous page"] == "?venue=rio-de-janeiro-brazil&sort=-views"
    assert hrefs["Page 3"] == "?venue=rio-de-janeiro-brazil&sort=-views&page=3"
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2<' in pagination


def test_a_single_page_has_no_pagination(client, make_catalogue):
    make_catalogue(3)
    assert 'class="pagination"' not in client.get("/sessions/").content.decode()


def test_session_list_with_no_results_says_so(client, make_catalogue):
    make_catalogue(3)
    content = client.get("/sessions/?q=nothing-matches-this").content.decode()
    assert "No sessions match “nothing-matches-this”." in content
    assert "0 sessions" in content


def test_filter_form_is_a_labelled_get_form_without_a_csrf_token(client, make_catalogue):
    make_catalogue(3)
    content = client.get("/sessions/").content.decode()
    form = re.search(r'<form class="filter-form"(.*?)</form>', content, re.S).group(0)
    assert 'method="get"' in form
    assert "csrfmiddlewaretoken" not in content
    for name in ("year", "venue", "type", "topic", "strategy", "q", "sort"):
        assert f'<label for="id_{name}">' in form
        assert f'name="{name}" ' in form or f'name="{name}"' in form
    assert '<button type="submit">' in form


def test_a_submitted_form_redirects_to_a_url_without_its_empty_fields(client, make_catalogue):
    make_catalogue(3)
    response = client.get(
        "/sessions/?year=&venue=rio-de-janeiro-brazil&type=&topic=&strategy=&q=+&sort=-views"
    )
    assert response.status_code == 302
    assert response["Location"] == "/sessions/?venue=rio-de-janeiro-brazil&sort=-views"
    assert client.get("/sessions/?year=&q=")["Location"] == "/sessions/"


# Venues


def test_venue_list_shows_each_venue_with_its_published_session_count(client, make_catalogue):
    make_catalogue(5)
    annual_meeting_at(
        VenueFactory(city="Athens", country="Greece"),
        number=None,
        start=datetime.date(2006, 10, 30),
    )
    content = client.get("/venues/").content.decode()
    items = [
        visible_text(item) for item in re.findall(r"<li>(.*?)</li>", section_main(content), re.S)
    ]
    assert items == [
        "João Pessoa, Brazil IGF, 10 November 2015 2 sessions",
        "Rio de Janeiro, Brazil IGF, 12 November 2007 3 sessions",
        "Athens, Greece IGF, 30 October 2006 0 sessions",
    ]


def test_venue_list_shows_the_meeting_number_and_dates(client, joao_pessoa):
    content = client.get("/venues/").content.decode()
    assert "the 10th IGF, 10–13 November 2015" in visible_text(content)
    assert (joao_pessoa.get_absolute_url(), "João Pessoa, Brazil") in links(content)


def test_venue_page_lists_the_meetings_held_there(client, joao_pessoa):
    MeetingFactory(
        venue=joao_pessoa,
        name="Youth IGF Brazil 2015",
        kind="youth",
        start_date=datetime.date(2015, 11, 9),
        end_date=datetime.date(2015, 11, 9),
    )
    SessionFactory(venue=joao_pessoa)
    content = client.get(joao_pessoa.get_absolute_url()).content.decode()
    assert [
        visible_text(item)
        for item in re.findall(r"<li>(.*?)</li>", section(content, "meetings-heading"), re.S)
    ] == [
        "IGF 2015, 10–13 November 2015: 1 session",
        "Youth IGF Brazil 2015, 9 November 2015: 0 sessions",
    ]
    assert ("/meetings/youth-igf-brazil-2015/", "Youth IGF Brazil 2015") in links(content)


def test_a_venue_that_hosted_other_meetings_only_names_no_annual_one(client):
    venue = VenueFactory(city="The Hague", country="Netherlands")
    MeetingFactory(
        venue=venue, name="EuroDIG 2019", kind="regional", start_date=datetime.date(2019, 6, 19)
    )
    content = visible_text(client.get(venue.get_absolute_url()).content.decode())
    assert "Host of" not in content


def test_venue_page_lists_its_published_sessions_by_date(client, make_catalogue):
    sessions = make_catalogue(12)
    content = client.get("/venues/rio-de-janeiro-brazil/").content.decode()
    rio_sessions = sorted(
        (s for s in sessions if s.venue.city == "Rio de Janeiro"), key=lambda s: (s.date, s.title)
    )
    assert link_texts(content, "session-tile-title") == [s.title for s in rio_sessions]
    assert '<h1 dir="auto">Rio de Janeiro, Brazil</h1>' in content
    assert "A draft" not in content


def test_venue_page_is_paginated(client, make_catalogue):
    make_catalogue(50)
    first = client.get("/venues/rio-de-janeiro-brazil/").content.decode()
    last = client.get("/venues/rio-de-janeiro-brazil/?page=2").content.decode()
    assert len(link_texts(first, "session-tile-title")) == 20
    assert len(link_texts(last, "session-tile-title")) == 5
    assert client.get("/venues/rio-de-janeiro-brazil/?page=abc").status_code == 200


def test_venue_without_sessions_says_so(client):
    venue = VenueFactory(city="Lillestrøm", country="Norway")
    content = client.get(venue.get_absolute_url()).content.decode()
    assert "No sessions held here are in the catalogue yet." in content


def test_unknown_venue_is_a_404(client):
    response = client.get("/venues/atlantis/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Years


def test_year_list_shows_each_year_with_its_count_and_venue(client, make_catalogue):
    make_catalogue(5)
    content = client.get("/years/").content.decode()
    items = [
        visible_text(item) for item in re.findall(r"<li>(.*?)</li>", section_main(content), re.S)
    ]
    assert items == [
        "2015 João Pessoa, Brazil 2 sessions",
        "2007 Rio de Janeiro, Brazil 3 sessions",
    ]
    assert ("/years/2015/", "2015") in links(content)


def test_year_page_groups_sessions_by_day_then_topic(client, joao_pessoa):
    cyber = TopicFactory(name="Cybersecurity and Trust")
    other = TopicFactory(name="Other")
    for day, topic, title in [
        (11, other, "Day 11 other"),
        (10, other, "Day 10 other"),
        (10, cyber, "Day 10 cyber"),
        (11, cyber, "Day 11 cyber"),
    ]:
        SessionFactory(
            title=title, topic=topic, venue=joao_pessoa, date=datetime.date(2015, 11, day)
        )
    SessionFactory(title="Draft", status=Session.Status.DRAFT, date=datetime.date(2015, 11, 10))
    content = client.get("/years/2015/").content.decode()
    # The headings and session titles in page order: the programme's outline.
    outline = re.findall(
        r'<h[23][^>]*>(.*?)</h[23]>|class="session-tile-title"[^>]*>(.*?)</a>', content, re.S
    )
    assert [visible_text(heading or title) for heading, title in outline] == [
        "Tuesday 10 November 2015",
        "Cybersecurity and Trust",
        "Day 10 cyber",
        "Other",
        "Day 10 other",
        "Wednesday 11 November 2015",
        "Cybersecurity and Trust",
        "Day 11 cyber",
        "Other",
        "Day 11 other",
    ]


def test_year_page_names_the_meeting_and_its_venue(client, joao_pessoa):
    SessionFactory(venue=joao_pessoa)
    content = client.get("/years/2015/").content.decode()
    assert (joao_pessoa.get_absolute_url(), "João Pessoa, Brazil") in links(content)
    assert ("/meetings/igf-2015/", "IGF 2015") in links(content)
    assert "IGF 2015: The 10th IGF, 10–13 November 2015, in João Pessoa, Brazil" in visible_text(
        content
    )


def test_year_page_links_to_the_years_before_and_after_that_have_sessions(client, make_catalogue):
    make_catalogue(3)
    SessionFactory(date=datetime.date(2019, 11, 25))
    content = client.get("/years/2015/").content.decode()
    assert ("/years/2007/", "← 2007") in links(content)
    assert ("/years/2019/", "2019 →") in links(content)


def test_year_without_sessions_is_a_page_saying_so(client):
    annual_meeting_at(
        VenueFactory(city="Lillestrøm", country="Norway"),
        number=None,
        start=datetime.date(2025, 6, 23),
    )
    response = client.get("/years/2025/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "There are no sessions from 2025 in the catalogue yet." in visible_text(content)
    assert "Lillestrøm, Norway" in content


@pytest.mark.parametrize("year", [0, 1000, 2005, timezone.now().year + 2, 9999, 10000, 99999])
def test_year_out_of_range_is_a_404(client, year):
    response = client.get(f"/years/{year}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_year_out_of_range_with_sessions_still_has_its_page(client):
    SessionFactory(date=datetime.date(2005, 11, 16), title="WSIS Tunis")
    response = client.get("/years/2005/")
    assert response.status_code == 200
    assert "WSIS Tunis" in response.content.decode()


# Home


def test_home_shows_the_latest_annual_meeting_and_the_latest_others(
    client, make_catalogue, joao_pessoa
):
    make_catalogue(5)
    hague = VenueFactory(city="The Hague", country="Netherlands")
    for year in (2016, 2017, 2018, 2019):
        eurodig = MeetingFactory(
            venue=hague,
            name=f"EuroDIG {year}",
            kind="regional",
            start_date=datetime.date(year, 6, 19),
        )
        SessionFactory(meeting=eurodig, date=eurodig.start_date)
    # No session yet: not among the latest.
    MeetingFactory(
        venue=hague, name="EuroDIG 2020", kind="regional", start_date=datetime.date(2020, 6, 19)
    )
    content = client.get("/").content.decode()
    latest = visible_text(section(content, "latest-heading"))
    assert latest == (
        "The latest meetings "
        "IGF 2015: The 10th IGF, 10–13 November 2015, in João Pessoa, Brazil; 2 sessions "
        "EuroDIG 2019: Regional IGF, 19–22 June 2019, in The Hague, Netherlands; 1 session "
        "EuroDIG 2018: Regional IGF, 19–22 June 2018, in The Hague, Netherlands; 1 session "
        "EuroDIG 2017: Regional IGF, 19–22 June 2017, in The Hague, Netherlands; 1 session "
        "Every meeting"
    )


def test_home_shows_the_most_viewed_sessions_first(client, make_catalogue):
    make_catalogue(8)
    content = client.get("/").content.decode()
    assert link_texts(section(content, "most-viewed-heading"), "session-tile-title") == [
        f"Catalogue session {n:03d}" for n in (7, 6, 5, 4, 3)
    ]


def test_home_shows_what_was_popular_this_week(client, make_catalogue):
    sessions = make_catalogue(3)
    today = timezone.now().date()
    DailyViewsFactory(session=sessions[0], day=today, views=30)
    DailyViewsFactory(session=sessions[1], day=today - datetime.timedelta(days=2), views=40)
    DailyViewsFactory(session=sessions[2], day=today - datetime.timedelta(days=30), views=500)
    content = client.get("/").content.decode()
    assert link_texts(section(content, "popular-heading"), "session-tile-title") == [
        sessions[1].title,
        sessions[0].title,
    ]


def test_home_offers_ways_in_by_year_venue_type_topic_and_strategy(client, seed_session):
    content = client.get("/").content.decode()
    ways_in = links(section_by_class(content, "ways-in"))
    for link in [
        ("/years/", "By year"),
        ("/years/2015/", "2015"),
        ("/years/2007/", "2007"),
        ("/venues/", "By venue"),
        ("/venues/joao-pessoa-brazil/", "João Pessoa, Brazil"),
        ("/venues/rio-de-janeiro-brazil/", "Rio de Janeiro, Brazil"),
        ("/sessions/?type=workshop", "Workshop"),
        ("/sessions/?type=main-session", "Main Session"),
        ("/sessions/?topic=other", "Other"),
        ("/strategies/", "By strategy"),
        ("/strategies/national-digital-strategy/", "National Digital Strategy (2013)"),
    ]:
        assert link in ways_in


def test_home_of_an_empty_catalogue_is_a_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No sessions yet." in response.content.decode()


# Error pages


def test_server_error_page_renders_in_the_layout_without_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/sessions/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert "<h1>Something went wrong</h1>" in content
    assert 'href="/static/css/site.css"' in content
    assert '<a class="skip-link" href="#main">' in content
    assert markup_problems(content) == []


# What every public page shares

PUBLIC_PAGES = [
    "/",
    "/sessions/",
    "/sessions/?year=2015&venue=joao-pessoa-brazil&q=strategy&sort=title",
    "/sessions/?year=abc&type=no-such-type&sort=bogus",
    SEED_URL,
    "/venues/",
    "/venues/joao-pessoa-brazil/",
    "/years/",
    "/years/2015/",
    "/strategies/",
    "/strategies/national-digital-strategy/",
    "/sessions/no-such-session/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_set_no_cookie_for_anonymous_visitors(client, seed_session, url):
    response = client.get(url, headers={"user-agent": BROWSER})
    assert response.status_code in (200, 404)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_share_the_layout_and_need_no_script(client, seed_session, url):
    content = client.get(url).content.decode()
    assert content.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in content
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content
    assert '<a class="skip-link" href="#main">' in content
    assert '<main id="main"' in content
    assert "<header" in content and "<footer" in content
    assert len(re.findall(r"<h1[ >]", content)) == 1
    # No script is needed: a session page's JSON-LD is a data block, never executed, and
    # the list's filters.js (deferred, from a file) only spares it a full page load.
    assert set(re.findall(r"<script\b[^>]*>", content)) <= {
        '<script type="application/ld+json">',
        '<script src="/static/js/filters.js" defer>',
    }
    assert " style=" not in content
    assert "csrfmiddlewaretoken" not in content


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_well_formed(client, seed_session, url):
    assert markup_problems(client.get(url).content.decode()) == []


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_have_headings_in_order(client, seed_session, url):
    content = client.get(url).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", content)]
    assert levels[0] == 1
    for previous, level in zip(levels, levels[1:], strict=False):
        assert level <= previous + 1, f"h{previous} is followed by h{level}"


def section_main(content: str) -> str:
    return re.search(r"<main[^>]*>(.*?)</main>", content, re.S).group(1)


def section_by_class(content: str, css_class: str) -> str:
    match = re.search(rf'<section class="{css_class}"[^>]*>(.*)</section>', content, re.S)
    return match.group(1)


# Query counts: the same number whatever the size of the catalogue (pretalx style).

SESSION_COUNTS = [1, 201]


def add_participants_and_tags(sessions: list[Session]) -> None:
    """A speaker in every session and another in some, one to three tags each; in bulk."""
    everywhere = SpeakerFactory(name="Ana García")
    others = SpeakerFactory.create_batch(3)
    tags = [TagFactory(name=name) for name in ("Open data", "Youth", "AI")]
    Participant.objects.bulk_create(
        Participant(session=session, speaker=speaker, role=role, order=order)
        for number, session in enumerate(sessions)
        for order, (speaker, role) in enumerate(
            [(everywhere, "moderator"), (others[number % 3], "speaker")]
        )
    )
    Session.tags.through.objects.bulk_create(
        Session.tags.through(session=session, tag=tag)
        for number, session in enumerate(sessions)
        for tag in tags[: 1 + number % 3]
    )


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_home_query_count(client, django_assert_num_queries, make_catalogue, session_count):
    make_catalogue(session_count)
    # The catalogue version; years, the latest meetings, most viewed, popular this week,
    # venues, types, topics, strategies. Then from the page cache: the version only.
    with django_assert_num_queries(9):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_session_list_query_count(client, django_assert_num_queries, make_catalogue, session_count):
    add_participants_and_tags(make_catalogue(session_count))
    # Years with sessions; the facet counts (year, meeting, kind, venue, type, topic,
    # stakeholder, has), which also give those selects their choices: on PostgreSQL one
    # query that counts the list too, and the meetings, venues, types and topics,
    # elsewhere one query per facet, the `has` one counting the list too; the strategy
    # and tag choices; page, the page's tags; and the catalogue version, all that a
    # second request costs.
    with django_assert_num_queries(11 if on_postgresql() else 14):
        assert client.get("/sessions/?sort=-views").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/sessions/?sort=-views").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_filtered_session_list_query_count(
    client, django_assert_num_queries, make_catalogue, session_count
):
    make_catalogue(session_count)
    # As a commit would (tests never commit), so that PostgreSQL's full-text search finds them.
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    url = (
        "/sessions/?year=2007&venue=rio-de-janeiro-brazil&type=workshop&topic=other"
        "&strategy=national-digital-strategy&q=session&sort=title&page=2"
    )
    # As above, plus one look-up for each of the four slugs, the snippets, and the page
    # of results read in two steps (its keys in order, then those sessions whole).
    with django_assert_num_queries(17 if on_postgresql() else 20):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].object_list
    with django_assert_num_queries(1):
        assert client.get(url).content == response.content


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_session_page_query_count(
    client, django_assert_num_queries, make_catalogue, seed_session, session_count
):
    add_participants_and_tags([*make_catalogue(session_count), seed_session])
    seed_session.related.add(*Session.objects.published()[:3])
    # The catalogue version; the session, its tags, its participants, its recordings,
    # its documents, its strategies, their objectives, their enablers, related sessions,
    # its views per month. Then, from the page cache: the version and the view count
    # (the chart is kept too).
    with django_assert_num_queries(11):
        assert client.get(SEED_URL).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(SEED_URL).status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_session_page_query_count_for_an_editor(
    client, django_assert_num_queries, make_catalogue, seed_session, session_count
):
    make_catalogue(session_count)
    client.force_login(EditorFactory())
    # As for the public, plus the editor's session and user.
    with django_assert_num_queries(12):
        assert client.get(SEED_URL).status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_venue_list_query_count(client, django_assert_num_queries, make_catalogue, session_count):
    make_catalogue(session_count)
    with django_assert_num_queries(2):  # and the catalogue version
        assert client.get("/venues/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/venues/").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_venue_page_query_count(client, django_assert_num_queries, make_catalogue, session_count):
    make_catalogue(session_count)
    # The venue, the meetings held there, the count of its sessions, one page of them,
    # their tags.
    with django_assert_num_queries(6):  # and the catalogue version
        assert client.get("/venues/rio-de-janeiro-brazil/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/venues/rio-de-janeiro-brazil/").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_year_list_query_count(client, django_assert_num_queries, make_catalogue, session_count):
    make_catalogue(session_count)
    with django_assert_num_queries(2):  # and the catalogue version
        assert client.get("/years/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/years/").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_year_page_query_count(client, django_assert_num_queries, make_catalogue, session_count):
    make_catalogue(session_count)
    # The count of the year's sessions, one page of them, their tags, that year's meetings,
    # the years for the previous/next links.
    with django_assert_num_queries(6):  # and the catalogue version
        assert client.get("/years/2007/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/years/2007/").status_code == 200


def test_a_years_programme_is_paged_and_names_every_venue_of_the_year(
    client, joao_pessoa, monkeypatch
):
    monkeypatch.setattr("sessions.browsing.views.PROGRAMME_PER_PAGE", 3)
    online = VenueFactory(city="Online", country="")
    for day in (10, 11, 12):
        for number in (1, 2):
            SessionFactory(
                title=f"Day {day} session {number}",
                venue=joao_pessoa if day < 12 else online,
                date=datetime.date(2015, 11, day),
            )
    first = client.get("/years/2015/").content.decode()
    second = client.get("/years/2015/?page=2").content.decode()
    assert "6 sessions, by day and then topic." in visible_text(first)
    assert "Showing 1–3." in visible_text(first)
    assert ("?page=2", "Next page") in links(first)
    titles = re.findall(r'class="session-tile-title"[^>]*>(.*?)</a>', first + second, re.S)
    assert [visible_text(title) for title in titles] == [
        f"Day {day} session {number}" for day in (10, 11, 12) for number in (1, 2)
    ]
    # The meeting and the other place its sessions were held, on every page.
    for content in (first, second):
        assert (joao_pessoa.get_absolute_url(), "João Pessoa, Brazil") in links(content)
        assert (online.get_absolute_url(), "Online") in links(content)
