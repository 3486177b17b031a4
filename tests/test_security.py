"""Production hardening: Django's deploy checks, security headers, the
Content-Security-Policy on every kind of page, and the admin sign-in lockout."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session as LoginSession
from django.test import Client
from django.utils import timezone

from tests.factories import (
    DailyViewsFactory,
    EditorFactory,
    ObjectiveFactory,
    ParticipantFactory,
    SessionFactory,
    StrategyFactory,
    TagFactory,
    TranscriptFactory,
)
from tests.page_parsing import inline_code_in
from tests.production import run_in_production

PASSWORD = "correct horse battery staple"  # the factories' password
README = (settings.BASE_DIR / "README.md").read_text()


def test_deploy_checks_find_nothing_with_production_settings():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert result.stderr == ""


def test_deploy_checks_would_complain_about_an_insecure_setup():
    """The check above can fail: turning HTTPS off is reported."""
    result = run_in_production(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr
    assert "SESSION_COOKIE_SECURE" in result.stderr
    # The README tells an operator trying the site over plain HTTP what to expect.
    warned = set(re.findall(r"\(security\.(W\d+)\)", result.stderr))
    deploying = README.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    assert "DJANGO_SECURE_SSL_REDIRECT=0" in deploying
    assert "DJANGO_SECURE_COOKIES=0" in deploying
    assert warned == set(re.findall(r"`security\.(W\d+)`", deploying))


def test_without_a_secret_key_commands_run_but_the_site_is_not_served(tmp_path):
    """A newcomer's `makemigrations --check` needs no key; gunicorn refuses to serve
    with the public development key, and the deploy checks name it."""
    no_key = {"DJANGO_SECRET_KEY": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    migrations = run_in_production("manage.py", "makemigrations", "--check", "--dry-run", **no_key)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    assert "No changes detected" in migrations.stdout

    served = run_in_production("-c", "import igf_catalogue.wsgi", **no_key)
    assert served.returncode != 0
    assert "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local work)." in served.stderr
    served_for_development = run_in_production(
        "-c", "import igf_catalogue.wsgi", DJANGO_DEBUG="1", **no_key
    )
    assert served_for_development.returncode == 0, served_for_development.stderr

    deploy = run_in_production("manage.py", "check", "--deploy", **no_key)
    assert "security.W009" in deploy.stderr


# Headers


@pytest.mark.django_db
def test_pages_send_the_security_headers_over_https(client):
    response = client.get("/sessions/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    # Recordings: the private players, put in when play is pressed, and media files.
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "media-src": ["'self'", "https:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        if words := part.split():
            directives[words[0]] = words[1:]
    return directives


def test_the_inline_code_finder_finds_what_a_strict_policy_blocks():
    html = (
        '<script type="application/ld+json">{}</script><script src="/a.js"></script>'
        '<script>alert(1)</script><style>p{}</style><p style="color: red" onclick="x()">'
        '<a href="javascript:void(0)">x</a>'
    )
    assert len(inline_code_in(html)) == 5


@pytest.fixture
def catalogue():
    """One of every kind of thing a public page shows."""
    strategy = StrategyFactory(name="National Digital Strategy")
    objective = ObjectiveFactory(strategy=strategy, name="Digital economy")
    tag = TagFactory(name="Open data")
    session = SessionFactory(
        title="Open data and the strategy",
        date=datetime.date(2015, 11, 12),
        strategies=[strategy],
        objectives=[objective],
        tags=[tag],
        views=12,
    )
    SessionFactory(title="A related one", related=[session])
    participant = ParticipantFactory(session=session)
    TranscriptFactory(session=session)
    DailyViewsFactory(session=session, day=timezone.localdate(), views=3)
    return {
        "session": session,
        "speaker": participant.speaker,
        "tag": tag,
        "strategy": strategy,
        "venue": session.venue,
    }


def public_pages(catalogue) -> list[str]:
    session = catalogue["session"]
    return [
        "/",
        "/sessions/",
        "/sessions/?q=open",
        session.get_absolute_url(),
        f"{session.get_absolute_url()}transcript/",
        "/venues/",
        catalogue["venue"].get_absolute_url(),
        "/years/",
        "/years/2015/",
        "/speakers/",
        catalogue["speaker"].get_absolute_url(),
        "/tags/",
        catalogue["tag"].get_absolute_url(),
        "/strategies/",
        catalogue["strategy"].get_absolute_url(),
        "/no-such-page/",
        "/api/docs/",
        "/admin/login/",
    ]


def assert_strict_policy_and_no_inline_code(response, url: str) -> None:
    assert "Content-Security-Policy" in response, url
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy, url
    assert "unsafe-eval" not in policy, url
    assert parse_policy(policy) == EXPECTED_POLICY, url
    assert inline_code_in(response.content.decode()) == [], url


@pytest.mark.django_db
def test_every_public_page_has_a_strict_policy_and_no_inline_code(client, catalogue):
    for url in public_pages(catalogue):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_strict_policy_and_no_inline_code(response, url)


@pytest.mark.django_db
def test_the_session_page_keeps_its_json_ld_data_block(client, catalogue):
    """JSON-LD is data, not a script, so the policy lets it stay inline."""
    response = client.get(catalogue["session"].get_absolute_url())
    assert b'<script type="application/ld+json">' in response.content


@pytest.mark.django_db
def test_admin_pages_have_a_strict_policy_and_no_inline_code(client, catalogue):
    client.force_login(EditorFactory())
    session = catalogue["session"]
    for url in [
        "/admin/",
        "/admin/catalogue/session/",
        f"/admin/catalogue/session/{session.pk}/change/",
        "/admin/catalogue/session/add/",
        "/admin/catalogue/speaker/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy_and_no_inline_code(response, url)


# Editors' sign-in


def sign_in(client: Client, username: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, secure=True
    )


@pytest.mark.django_db
def test_an_editor_who_signs_in_gets_a_secure_cookie_that_expires(client):
    editor = EditorFactory()
    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    # Gone when the browser closes ...
    assert not cookie["expires"] and not cookie["max-age"]
    # ... and on the server after SESSION_COOKIE_AGE in any case.
    login = LoginSession.objects.get(session_key=cookie.value)
    lifetime = login.expire_date - timezone.now()
    assert datetime.timedelta(hours=1) < lifetime <= datetime.timedelta(hours=8)


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_out_even_with_the_right_one(client):
    editor = EditorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, editor.username, "wrong password")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, editor.username, "wrong password")
    assert response.status_code == 429

    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "try again in 15 minutes" in page
    assert 'class="site-header"' in page  # in the site's layout
    assert inline_code_in(page) == []
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("length", [151, 255, 256, 5000])
def test_a_username_longer_than_any_account_is_a_form_error(client, length):
    response = sign_in(client, "a" * length, "wrong password")
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_leaves_other_editors_free_to_sign_in(client):
    locked, other = EditorFactory(), EditorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, locked.username, "wrong password")
    assert sign_in(client, locked.username, PASSWORD).status_code == 429

    response = sign_in(client, other.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_do_not_lock_out(client):
    editor = EditorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, editor.username, "wrong password")
    assert sign_in(client, editor.username, PASSWORD).status_code == 302
