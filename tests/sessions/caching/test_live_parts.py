"""A page kept with holes for its live parts, filled in with each request's figures."""

from django.template import engines

from sessions.caching.live_parts import HOLES, LiveParts, filled

TEMPLATE = engines["django"].from_string(
    '<script type="application/ld+json">{"userInteractionCount": {{ view_count }}}</script>'
    '<p class="views">{{ views_line }}</p>{{ views_chart }}'
)


def test_a_page_rendered_once_with_holes_shows_each_requests_figures():
    kept = TEMPLATE.render(HOLES.as_context()).encode()

    first = filled(kept, LiveParts(view_count=1233, views_line="1,233 views", views_chart="<svg/>"))
    second = filled(kept, LiveParts(view_count=1234, views_line="1,234 views", views_chart=""))

    assert first == (
        b'<script type="application/ld+json">{"userInteractionCount": 1233}</script>'
        b'<p class="views">1,233 views</p><svg/>'
    )
    assert second == (
        b'<script type="application/ld+json">{"userInteractionCount": 1234}</script>'
        b'<p class="views">1,234 views</p>'
    )
