"""The API over HTTP: read-only, open to any origin for GETs, conditional requests answered
with 304, anonymous clients throttled."""

import time

import pytest
from django.core.cache import cache
from django.utils.http import http_date

from sessions.models import Session, Venue
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

SEED_API_URL = "/api/sessions/mexico-the-national-digital-strategy-and-the-msh-model/"
OTHER_ORIGIN = "https://research.example.org"
READ_URLS = [
    "/api/",
    "/api/sessions/",
    SEED_API_URL,
    "/api/venues/",
    "/api/venues/joao-pessoa-brazil/",
    "/api/session-types/",
    "/api/topics/",
    "/api/strategies/",
    "/api/strategies/national-digital-strategy/",
    "/api/speakers/",
    "/api/tags/",
]


# Read-only


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/sessions/", SEED_API_URL, "/api/strategies/"])
def test_writes_are_refused_with_405(client, seed_session, method, url):
    response = getattr(client, method)(
        url, data={"title": "Changed"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    seed_session.refresh_from_db()
    assert seed_session.title == "Mexico: The National Digital Strategy and the MSH model"
    assert Session.objects.count() == 3


def test_writes_are_refused_to_an_editor_too(client, seed_session, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "", "pw"))
    assert client.post("/api/sessions/", {}, content_type="application/json").status_code == 405
    assert client.delete(SEED_API_URL).status_code == 405
    assert Session.objects.count() == 3


def test_the_api_sets_no_cookie(client, seed_session):
    response = client.get("/api/sessions/")
    assert not response.cookies


def test_head_answers_like_get_without_a_body(client, seed_session):
    head = client.head(SEED_API_URL)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == client.get(SEED_API_URL)["ETag"]


# CORS: any origin may read, nobody may write


@pytest.mark.parametrize("url", READ_URLS)
def test_a_get_from_another_origin_is_allowed(client, seed_session, url):
    response = client.get(url, headers={"origin": OTHER_ORIGIN})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_for_a_get_is_allowed(client, seed_session):
    response = client.options(
        "/api/sessions/",
        headers={
            "origin": OTHER_ORIGIN,
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "if-none-match" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_preflight_for_a_write_is_not_allowed(client, seed_session, method):
    response = client.options(
        SEED_API_URL,
        headers={"origin": OTHER_ORIGIN, "access-control-request-method": method},
    )
    allowed = {value.strip() for value in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    assert method not in allowed


def test_the_html_pages_get_no_cors_header(client, seed_session):
    response = client.get("/sessions/", headers={"origin": OTHER_ORIGIN})
    assert "Access-Control-Allow-Origin" not in response


# Conditional requests


@pytest.mark.parametrize("url", READ_URLS)
def test_every_answer_has_an_etag_and_a_last_modified(client, seed_session, url):
    response = client.get(url)
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith(" GMT")


@pytest.mark.parametrize("url", READ_URLS)
def test_if_none_match_with_the_current_etag_is_a_304(client, seed_session, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag, "origin": OTHER_ORIGIN})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_change_anywhere_in_the_body_changes_the_etag(client, seed_session):
    first = client.get(SEED_API_URL)
    # A view counted, or a venue renamed: neither touches the session's updated_at.
    Session.objects.filter(pk=seed_session.pk).update(views=42)
    second = client.get(SEED_API_URL, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert second.json()["views"] == 42
    Venue.objects.filter(slug="joao-pessoa-brazil").update(city="Joao Pessoa")
    third = client.get(SEED_API_URL, headers={"if-none-match": second["ETag"]})
    assert third.status_code == 200
    assert len({first["ETag"], second["ETag"], third["ETag"]}) == 3


def test_the_list_etag_changes_when_a_session_is_unpublished(client, seed_session):
    first = client.get("/api/sessions/")
    seed_session.status = Session.Status.DRAFT
    seed_session.save()
    second = client.get("/api/sessions/", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert second.json()["count"] == 2


def test_if_modified_since_is_a_304_while_the_body_has_not_changed(client, seed_session):
    first = client.get("/api/sessions/")
    # A Last-Modified is trusted from the second after it was given (see the next test).
    time.sleep(1.1)
    second = client.get("/api/sessions/")
    assert second.content == first.content
    modified = second["Last-Modified"]
    response = client.get("/api/sessions/", headers={"if-modified-since": modified})
    assert response.status_code == 304
    earlier = http_date(time.time() - 3600)
    assert client.get("/api/sessions/", headers={"if-modified-since": earlier}).status_code == 200


def test_if_modified_since_never_hides_a_change_made_in_the_same_second(client, seed_session):
    first = client.get(SEED_API_URL)
    Session.objects.filter(pk=seed_session.pk).update(views=42)
    # However soon after: the body is new, so it is sent.
    response = client.get(SEED_API_URL, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    assert response.json()["views"] == 42
    time.sleep(1.1)
    response = client.get(SEED_API_URL, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    # Once confirmed, its own Last-Modified gives a 304.
    modified = response["Last-Modified"]
    assert client.get(SEED_API_URL, headers={"if-modified-since": modified}).status_code == 304


def test_errors_get_no_etag(client):
    response = client.get("/api/sessions/no-such-session/")
    assert response.status_code == 404
    assert "ETag" not in response


def test_the_html_pages_have_validators_of_their_own(client, seed_session):
    # Not a hash of the body: the page cache names the rendering (see test_page_cache.py).
    first = client.get("/sessions/")
    assert client.get("/sessions/", headers={"if-none-match": first["ETag"]}).status_code == 304


# Throttling


@pytest.fixture
def low_rate(settings):
    settings.CATALOGUE_API_ANON_RATE = "3/minute"


def test_past_the_rate_an_anonymous_client_gets_429_with_retry_after(client, low_rate):
    for _ in range(3):
        assert client.get("/api/topics/").status_code == 200
    response = client.get("/api/venues/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "detail" in response.json()


def test_the_rate_is_per_client_address(client, low_rate):
    for _ in range(3):
        client.get("/api/topics/")
    assert client.get("/api/topics/").status_code == 429
    assert client.get("/api/topics/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_forwarded_for_header_does_not_escape_the_limit(client, low_rate):
    for number in range(3):
        client.get("/api/topics/", headers={"x-forwarded-for": f"198.51.100.{number}"})
    response = client.get("/api/topics/", headers={"x-forwarded-for": "198.51.100.99"})
    assert response.status_code == 429


def test_behind_the_proxy_the_address_it_saw_is_the_client(client, low_rate, settings):
    settings.CATALOGUE_TRUSTED_PROXIES = ["127.0.0.1"]  # the proxy
    for _ in range(3):
        client.get("/api/topics/", headers={"x-forwarded-for": "spoofed, 203.0.113.5"})
    assert client.get("/api/topics/", headers={"x-forwarded-for": "203.0.113.5"}).status_code == 429
    assert client.get("/api/topics/", headers={"x-forwarded-for": "203.0.113.6"}).status_code == 200


def test_the_throttle_keeps_its_count_in_the_default_cache(client, low_rate):
    for _ in range(3):
        client.get("/api/topics/")
    assert client.get("/api/topics/").status_code == 429
    cache.clear()
    assert client.get("/api/topics/").status_code == 200


def test_without_a_rate_there_is_no_limit(client, settings):
    settings.CATALOGUE_API_ANON_RATE = None
    for _ in range(10):
        assert client.get("/api/topics/").status_code == 200


def test_the_html_pages_are_not_throttled(client, low_rate):
    for _ in range(5):
        assert client.get("/venues/").status_code == 200


def test_a_new_session_shows_at_once(client):
    assert client.get("/api/sessions/").json()["count"] == 0
    SessionFactory()
    assert client.get("/api/sessions/").json()["count"] == 1
