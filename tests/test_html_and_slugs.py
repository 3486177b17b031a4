"""What both apps share: sanitising pasted HTML and generating slugs."""

import pytest

from igf_catalogue.html import sanitise_html
from tests.factories import SessionFactory, VenueFactory

HOSTILE = [
    '<script>alert("x")</script>',
    "<style>body{display:none}</style>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<p onclick="alert(1)">text</p>',
    '<iframe src="https://example.org"></iframe>',
    '<svg onload="alert(1)"></svg>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_sanitise_html_removes_anything_that_could_run(html):
    cleaned = sanitise_html(html).lower()
    for danger in ("<script", "<style", "onerror", "onclick", "onload", "javascript:", "<iframe"):
        assert danger not in cleaned
    assert "data:text/html" not in cleaned


def test_sanitise_html_keeps_links_lists_emphasis_headings_and_tables():
    html = (
        '<h2>Plan</h2><p><a href="https://www.gob.mx/">site</a> <em>now</em> <strong>!</strong></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
        "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    )
    cleaned = sanitise_html(html)
    for kept in ("<h2>Plan</h2>", 'href="https://www.gob.mx/"', "<em>now</em>", "<li>one</li>"):
        assert kept in cleaned
    assert "<ol>" in cleaned and "<td>1</td>" in cleaned and "<strong>" in cleaned


def test_sanitise_html_turns_a_pasted_h1_into_an_h2():
    # The page title is the page's only h1.
    assert sanitise_html("<H1>Agenda</h1>") == "<h2>Agenda</h2>"


def test_sanitise_html_escapes_plain_text():
    assert sanitise_html("5 < 6 & 7 > 3") == "5 &lt; 6 &amp; 7 &gt; 3"


@pytest.mark.django_db
def test_slug_is_transliterated_to_ascii():
    venue = VenueFactory(city="Lillestrøm", country="Norway")
    assert venue.slug == "lillestrom-norway"


@pytest.mark.django_db
def test_slug_of_a_repeated_title_is_made_unique():
    slugs = [SessionFactory(title="Opening Ceremony").slug for _ in range(3)]
    assert slugs == ["opening-ceremony", "opening-ceremony-2", "opening-ceremony-3"]


@pytest.mark.django_db
def test_slug_chosen_by_an_editor_is_kept():
    assert SessionFactory(title="Opening Ceremony", slug="opening-2015").slug == "opening-2015"
