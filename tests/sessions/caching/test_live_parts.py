"""A page kept with holes for its live parts, filled in with each request's figures."""

from django.template import engines

from sessions.caching.live_parts import HOLES, LiveParts, PageWithHoles

TEMPLATE = engines["django"].from_string(
    '<script type="application/ld+json">{"userInteractionCount": {{ view_count }}}</script>'
    '<p class="views">{{ views_line }}</p>{{ views_chart }}'
)


def test_a_page_rendered_once_with_holes_shows_each_requests_figures():
    kept = PageWithHoles(TEMPLATE.render(HOLES.as_context()).encode())

    first = kept.filled(LiveParts(view_count=1233, views_line="1,233 views", views_chart="<svg/>"))
    second = kept.filled(LiveParts(view_count=1234, views_line="1,234 views", views_chart=""))

    assert first == (
        b'<script type="application/ld+json">{"userInteractionCount": 1233}</script>'
        b'<p class="views">1,233 views</p><svg/>'
    )
    assert second == (
        b'<script type="application/ld+json">{"userInteractionCount": 1234}</script>'
        b'<p class="views">1,234 views</p>'
    )


def test_holes_are_filled_wherever_and_however_often_the_page_has_them():
    # The chart first, the line twice, no JSON-LD: the page is cut where its holes are.
    template = engines["django"].from_string(
        "<div>{{ views_chart }}</div><p>{{ views_line }}</p><footer>{{ views_line }}</footer>"
    )
    kept = PageWithHoles(template.render(HOLES.as_context()).encode())

    page = kept.filled(LiveParts(view_count=7, views_line="7 views", views_chart="<svg/>"))

    assert page == b"<div><svg/></div><p>7 views</p><footer>7 views</footer>"


def test_a_page_without_holes_is_kept_as_it_is():
    kept = PageWithHoles("<p>Gone: ünïcode stays</p>".encode())

    assert kept.filled(LiveParts(view_count=1, views_line="1 view", views_chart="")) == (
        "<p>Gone: ünïcode stays</p>".encode()
    )
