"""Kept pages answered from the top of the middleware stack (sessions/caching/kept_answers.py):
the same answer as the whole stack gave, headers and compression included, to whoever
asks the same way, and never to anyone who asks differently.

A request answered there is never routed: its `resolver_match` stays None, which is
how these tests tell the two apart."""

import gzip

import pytest
from django.test import Client

from sessions.caching.version import bump_catalogue_version
from sessions.models import DailyViews, Session
from tests.factories import EditorFactory, SessionFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
KEPT_PAGES = ["/", "/sessions/", "/sessions/?sort=title", "/venues/", "/years/"]
# Headers the stack adds below the view, which a kept answer must carry too.
STACK_HEADERS = [
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Vary",
    "Content-Language",
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Cache-Control",
]


def answered_from_the_top(response) -> bool:
    return response.wsgi_request.resolver_match is None


@pytest.fixture
def session():
    return SessionFactory(title="Shaping the digital future", status=Session.Status.PUBLISHED)


@pytest.mark.parametrize("url", KEPT_PAGES)
def test_a_kept_page_is_answered_again_as_the_stack_answered_it(client, session, url):
    first = client.get(url, headers={"user-agent": BROWSER})
    assert not answered_from_the_top(first)
    second = client.get(url, headers={"user-agent": BROWSER})
    assert answered_from_the_top(second)
    assert second.status_code == 200
    assert second.content == first.content
    for header in STACK_HEADERS:
        assert second.get(header) == first.get(header), header


def test_an_edit_shows_at_once(client, session):
    client.get("/sessions/")
    client.get("/sessions/")
    session.title = "Governing the digital future"
    session.save()
    page = client.get("/sessions/")
    assert not answered_from_the_top(page)
    assert "Governing the digital future" in page.content.decode()


def test_each_language_and_encoding_gets_its_own_answer(client, session):
    def get(**headers):
        return client.get("/sessions/", headers={"user-agent": BROWSER, **headers})

    english = get(accept_language="en")
    spanish = get(accept_language="es")
    assert not answered_from_the_top(spanish)
    assert answered_from_the_top(get(accept_language="es"))
    assert spanish["Content-Language"] == "es" and english["Content-Language"] == "en"
    assert get(accept_language="es").content == spanish.content != english.content

    client.cookies["django_language"] = "fr"
    french = get(accept_language="es")
    assert french["Content-Language"] == "fr"
    del client.cookies["django_language"]

    compressed = get(accept_language="en", accept_encoding="gzip, br")
    again = get(accept_language="en", accept_encoding="gzip, br")
    assert answered_from_the_top(again)
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == english.content
    plain = get(accept_language="en")
    assert answered_from_the_top(plain)
    assert not plain.has_header("Content-Encoding")
    assert compressed["ETag"] != english["ETag"]


def test_a_client_holding_the_page_gets_304(client, session):
    first = client.get("/sessions/")
    again = client.get("/sessions/", headers={"if-none-match": first["ETag"]})
    assert answered_from_the_top(again)
    assert again.status_code == 304
    assert again.content == b""


def test_an_editor_always_goes_through_the_stack(client, session):
    client.get("/sessions/")
    client.force_login(EditorFactory())
    page = client.get("/sessions/")
    assert not answered_from_the_top(page)
    assert not page.has_header("ETag")  # a page made for them, kept nowhere


def test_a_visitor_with_messages_waiting_goes_through_the_stack(client, session):
    client.get("/sessions/")
    client.cookies["messages"] = "waiting"
    assert not answered_from_the_top(client.get("/sessions/"))


def test_a_host_not_allowed_is_refused_even_for_a_kept_page(client, session, settings):
    client.get("/sessions/")
    assert client.get("/sessions/", headers={"host": "evil.example"}).status_code == 400


def test_plain_http_is_still_redirected_where_https_is_required(settings, session):
    settings.SECURE_SSL_REDIRECT = True
    secure = Client()
    secure.get("/sessions/", secure=True)
    assert answered_from_the_top(secure.get("/sessions/", secure=True))
    plain = secure.get("/sessions/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


def test_head_goes_through_the_stack(client, session):
    client.get("/sessions/")
    head = client.head("/sessions/")
    assert not answered_from_the_top(head)
    assert head.status_code == 200


def test_a_kept_session_page_counts_each_view_and_shows_its_own_count(client, session):
    def visit(n: int):
        return client.get(
            session.get_absolute_url(),
            headers={"user-agent": f"{BROWSER} visitor {n}"},
            REMOTE_ADDR=f"203.0.113.{n}",
        )

    first = visit(1)
    assert first["X-View-Counted"] == "1"
    second = visit(2)
    assert answered_from_the_top(second)
    assert second["X-View-Counted"] == "1"
    assert "2 views" in second.content.decode()
    assert second.get("Content-Security-Policy") == first.get("Content-Security-Policy")
    assert second["ETag"] != first["ETag"]  # its content changed with its count
    repeat = visit(2)
    assert answered_from_the_top(repeat)
    assert not repeat.has_header("X-View-Counted")
    assert "2 views" in repeat.content.decode()
    assert Session.objects.get(pk=session.pk).views == 2
    assert DailyViews.objects.get(session=session).views == 2


def test_a_kept_session_page_is_compressed_for_clients_that_take_it(client, session):
    headers = {"user-agent": BROWSER, "accept-encoding": "gzip"}
    client.get(session.get_absolute_url(), headers=headers)
    page = client.get(session.get_absolute_url(), headers=headers)
    assert answered_from_the_top(page)
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert "Shaping the digital future" in gzip.decompress(page.content).decode()


def test_a_kept_session_page_speaks_the_visitors_language(client, session):
    headers = {"user-agent": BROWSER, "accept-language": "es"}
    client.get(session.get_absolute_url(), headers=headers)
    page = client.get(session.get_absolute_url(), headers={**headers, "user-agent": "x Firefox"})
    assert answered_from_the_top(page)
    assert "2 visitas" in page.content.decode()


def test_a_bump_by_another_process_is_seen(client, session):
    client.get("/years/")
    bump_catalogue_version()
    assert not answered_from_the_top(client.get("/years/"))
