"""Pages and API answers are compressed for clients that ask, as static files are."""

import gzip

import pytest

from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def sessions():
    return SessionFactory.create_batch(20)


@pytest.mark.parametrize("url", ["/", "/sessions/", "/sessions/?sort=title", "/api/sessions/"])
def test_a_page_is_compressed_for_a_client_that_asks(client, sessions, url):
    plain = client.get(url)
    # Twice: the second comes from the page cache, and is compressed just the same.
    for _ in range(2):
        compressed = client.get(url, headers=GZIP)
        assert compressed.status_code == 200
        assert compressed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in compressed["Vary"]
        assert gzip.decompress(compressed.content) == plain.content
        assert len(compressed.content) < len(plain.content) / 3


def test_a_client_that_does_not_ask_gets_the_page_as_it_is(client, sessions):
    response = client.get("/sessions/")
    assert not response.has_header("Content-Encoding")
    assert b"<html" in response.content


def test_a_compressed_api_answer_still_answers_its_etag_with_304(client, sessions):
    first = client.get("/api/sessions/", headers=GZIP)
    assert first["Content-Encoding"] == "gzip"
    again = client.get("/api/sessions/", headers={**GZIP, "If-None-Match": first["ETag"]})
    assert again.status_code == 304
