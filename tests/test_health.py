"""/healthz and /readyz, and what visitors get while the database is away: a 503 in
the site's layout, and the site back by itself once the database is."""

import io
import json
import socket
import subprocess
import sys
from contextlib import contextmanager

import psycopg
import pytest
import yaml
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

from tests.factories import SessionFactory
from tests.page_parsing import inline_code_in

# Production's request cycle: unlike the test client, WSGIHandler runs Django's
# request_started/request_finished handlers, which keep, check and drop persistent
# database connections (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
APPLICATION = WSGIHandler()


def wsgi_get(path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": headers.get(
            "user_agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"
        ),
        "REMOTE_ADDR": "198.51.100.7",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(response_headers)

    result = APPLICATION(environ, start_response)
    try:
        body = b"".join(result).decode()
    finally:
        result.close()  # sends request_finished, as a WSGI server does
    return started["status"], started["headers"], body


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    """The default database refuses connections (its address now leads nowhere)."""
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "127.0.0.1"
    connection.settings_dict["PORT"] = closed_port()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client):
    response = client.get("/readyz", headers={"host": "10.0.0.12:8000"})
    # Probes come from inside the deployment under any host name, over plain HTTP.
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_the_compose_healthcheck_passes_against_a_running_site(live_server):
    test = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"][
        "web"
    ]["healthcheck"]["test"]
    command = [sys.executable if word == "python" else word for word in test[1:]]
    command = [word.replace("http://127.0.0.1:8000", live_server.url) for word in command]
    assert subprocess.run(command, timeout=30).returncode == 0
    broken = [word.replace("/readyz", "/no-such-probe") for word in command]
    assert subprocess.run(broken, timeout=30, capture_output=True).returncode != 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_while_the_database_is_unreachable():
    with database_unreachable():
        status, headers, body = wsgi_get("/readyz")
        assert status == 503
        assert body == "database unavailable\n"
        assert wsgi_get("/healthz")[0] == 200  # the process itself is alive
    assert wsgi_get("/readyz")[0] == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_a_503_page_in_the_layout_and_the_site_recovers_by_itself():
    session = SessionFactory(title="Open data and the strategy")
    assert wsgi_get(session.get_absolute_url())[0] == 200

    with database_unreachable():
        for path in (session.get_absolute_url(), "/sessions/", "/"):
            status, headers, body = wsgi_get(path)
            assert status == 503, path
            assert headers["Retry-After"] == "10"
            assert "no-cache" in headers["Cache-Control"]
            assert "Content-Security-Policy" in headers
            assert "briefly unavailable" in body
            assert 'class="site-header"' in body  # the site's layout
            assert "Traceback" not in body and "OperationalError" not in body
            assert inline_code_in(body) == []
        status, headers, body = wsgi_get("/api/sessions/")
        assert status == 503
        assert json.loads(body)["detail"]
        assert headers["Retry-After"] == "10"

    # The database is back: the very next request is served, without a restart.
    status, headers, body = wsgi_get(session.get_absolute_url())
    assert status == 200
    assert "Open data and the strategy" in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced_before_the_next_request():
    """A database restart kills every open connection; CONN_HEALTH_CHECKS notices a
    dead persistent connection at the start of the next request and opens a new one."""
    session = SessionFactory()
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert wsgi_get(session.get_absolute_url())[0] == 200
    kept = connection.connection
    assert kept is not None, "the connection should persist between requests"
    backend_pid = kept.info.backend_pid

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

    status, _, _ = wsgi_get(session.get_absolute_url())
    assert status == 200
    assert connection.connection.info.backend_pid != backend_pid
    connections.close_all()
