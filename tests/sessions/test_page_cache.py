"""Anonymous visitors' pages come from the cache, keyed by the catalogue's version."""

import pytest
from django.core.management import call_command

from sessions.models import DailyViews, Participant, Session, Speaker, Transcript
from sessions.page_cache import bump_catalogue_version, catalogue_version
from tests.factories import EditorFactory, SessionFactory, TagFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
CACHED_PAGES = ["/", "/sessions/", "/sessions/?sort=title", "/venues/", "/years/"]


@pytest.fixture
def session():
    return SessionFactory(title="Shaping the digital future", status=Session.Status.PUBLISHED)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_second_visitor_gets_the_same_page_for_one_query(
    client, django_assert_num_queries, session, url
):
    first = client.get(url)
    with django_assert_num_queries(1):  # the catalogue version
        second = client.get(url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_an_edit_saved_shows_at_once(client, session):
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    session.title = "Governing the digital future"
    session.save()
    content = client.get("/sessions/").content.decode()
    assert "Governing the digital future" in content
    assert "Shaping the digital future" not in content


def test_a_session_linked_by_hand_shows_at_once_on_the_session_page(client, session):
    client.get(session.get_absolute_url())
    session.related.add(SessionFactory(title="A newly linked session"))
    assert "A newly linked session" in client.get(session.get_absolute_url()).content.decode()


def test_a_tag_renamed_shows_on_every_page_that_names_it(client, session):
    tag = TagFactory(name="Youth")
    session.tags.add(tag)
    assert "Youth" in client.get("/sessions/").content.decode()
    tag.name = "Young people"
    tag.save()
    assert "Young people" in client.get("/sessions/").content.decode()


def test_an_import_shows_at_once(client, session, tmp_path):
    assert "Imported afterwards" not in client.get("/sessions/").content.decode()
    programme = tmp_path / "programme.jsonl"
    programme.write_text(
        '{"key": "late-1", "title": "Imported afterwards", "date": "2015-11-11", '
        '"type": "Workshop", "venue": "João Pessoa, Brazil"}\n'
    )
    call_command("import_sessions", str(programme), verbosity=0)
    assert "Imported afterwards" in client.get("/sessions/").content.decode()


def test_unpublishing_in_bulk_shows_at_once(admin_client, client, session):
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    admin_client.post(
        "/admin/catalogue/session/",
        {"action": "unpublish", "_selected_action": [session.pk]},
    )
    assert "Shaping the digital future" not in client.get("/sessions/").content.decode()


def test_counting_a_view_does_not_change_the_version(client, session):
    before = catalogue_version()
    client.get(session.get_absolute_url(), headers={"user-agent": BROWSER})
    assert Session.objects.get(pk=session.pk).views == 1
    assert DailyViews.objects.filter(session=session).exists()
    assert catalogue_version() == before


def test_every_change_to_the_catalogue_bumps_the_version(session):
    speaker = Speaker.objects.create(name="Amina Diallo", slug="amina-diallo")
    versions = [catalogue_version()]
    Participant.objects.create(session=session, speaker=speaker)
    versions.append(catalogue_version())
    Transcript.objects.create(session=session, text="Welcome.")
    versions.append(catalogue_version())
    session.tags.add(TagFactory())
    versions.append(catalogue_version())
    session.delete()
    versions.append(catalogue_version())
    assert versions == sorted(set(versions))


def test_editors_never_get_a_cached_page(client, session):
    assert "Draft" not in client.get("/sessions/").content.decode()
    draft = SessionFactory(title="Not yet public", status=Session.Status.DRAFT)
    client.force_login(EditorFactory())
    # An editor sees the drafts their list includes; the anonymous page is not reused.
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "ETag" not in response
    assert "no-cache" in response["Cache-Control"]


def test_an_editor_signing_out_sees_the_public_page_again(client, session):
    draft = SessionFactory(title="Not yet public", status=Session.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(EditorFactory())
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_each_language_gets_its_own_page(client, session):
    english = client.get("/sessions/", headers={"accept-language": "en"})
    french = client.get("/sessions/", headers={"accept-language": "fr"})
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert english.content != french.content
    assert english["ETag"] != french["ETag"]
    again = client.get("/sessions/", headers={"accept-language": "fr"})
    assert again.content == french.content


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_client_holding_the_page_gets_304(client, session, url):
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_client_holding_an_older_page_gets_the_new_one(client, session):
    first = client.get("/sessions/")
    session.title = "Governing the digital future"
    session.save()
    again = client.get("/sessions/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Governing the digital future" in again.content.decode()


def test_if_modified_since_the_rendering_is_a_304(client, session):
    first = client.get("/years/")
    again = client.get("/years/", headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_the_session_page_counts_every_view_though_its_body_is_cached(client, session):
    url = session.get_absolute_url()
    counts = []
    for visitor in range(3):
        response = client.get(url, headers={"user-agent": f"{BROWSER} visitor {visitor}"})
        assert response["X-View-Counted"] == "1"
        counts.append(response.content.decode().count(f"{visitor + 1} view"))
    assert all(counts)
    assert Session.objects.get(pk=session.pk).views == 3
    assert '"userInteractionCount": 3' in response.content.decode()


def test_a_repeat_view_is_not_counted_and_shows_the_current_total(client, session):
    url = session.get_absolute_url()
    client.get(url, headers={"user-agent": BROWSER})
    Session.objects.filter(pk=session.pk).update(views=41)
    response = client.get(url, headers={"user-agent": BROWSER})
    assert "X-View-Counted" not in response
    assert "41 views" in response.content.decode()


def test_a_repeat_visitor_holding_the_session_page_gets_304(client, session):
    url = session.get_absolute_url()
    first = client.get(url, headers={"user-agent": BROWSER})
    again = client.get(url, headers={"user-agent": BROWSER, "if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_the_session_page_is_kept_without_the_marks_showing(client, session):
    client.get(session.get_absolute_url())
    content = client.get(session.get_absolute_url()).content.decode()
    assert "\ue010" not in content and "-7345619" not in content


def test_pages_cached_before_a_bump_are_read_no_more(client, django_assert_num_queries, session):
    client.get("/venues/")
    bump_catalogue_version()
    with django_assert_num_queries(2):  # the version, then the venues again
        client.get("/venues/")
