"""What the heaviest public page costs a visitor on a slow connection: everything it loads
(HTML, CSS, JavaScript, images), as transferred compressed."""

import gzip

import pytest

from tests.browser.pages import public_pages

pytestmark = pytest.mark.browser

BUDGET = 100 * 1024  # bytes, compressed


def transferred_size(response) -> int:
    """The body's size on the wire: as sent when the server compressed it, else gzipped
    (level 6, what a web server does by default) as any production server would send it."""
    if response.headers.get("content-encoding"):
        return response.request.sizes()["responseBodySize"]
    return len(gzip.compress(response.body(), compresslevel=6))


def responses_of(page) -> list:
    """The responses to every request `page` makes from now on."""
    responses = []

    def keep(response):
        responses.append(response)

    page.on("response", keep)
    return responses


def test_the_heaviest_public_page_weighs_under_100_kb(site, new_context, record_property):
    weights = {}
    for name, path in public_pages().items():
        # A new context each time: nothing comes from the cache of an earlier page.
        page = new_context().new_page()
        responses = responses_of(page)
        page.goto(site + path, wait_until="networkidle")
        loaded = [response for response in responses if response.url.startswith(site)]
        assert any(response.url.endswith(".css") for response in loaded), name
        weights[name] = sum(transferred_size(response) for response in loaded)
        page.close()
    heaviest = max(weights, key=weights.get)
    record_property(
        "summary",
        "page weight (HTML + CSS + JS, gzip): "
        + ", ".join(f"{name} {weight / 1024:.1f} KB" for name, weight in weights.items())
        + f"; heaviest: {heaviest} {weights[heaviest] / 1024:.1f} KB of {BUDGET // 1024} KB",
    )
    assert weights[heaviest] < BUDGET, weights
