"""One JSON line per request when CATALOGUE_JSON_LOGS is on (DJANGO_JSON_LOGS=1)."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import SessionFactory
from tests.production import run_script_in_production


@pytest.fixture
def request_log_lines():
    """The request logger's output, through the JSON formatter LOGGING configures."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter_config = settings.LOGGING["formatters"]["json"]
    handler.setFormatter(
        logging.config.DictConfigurator({}).configure_custom(dict(formatter_config))
    )
    logger = logging.getLogger("igf_catalogue.requests")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
@override_settings(CATALOGUE_JSON_LOGS=True)
def test_each_request_writes_one_json_line_with_status_duration_and_queries(request_log_lines):
    session = SessionFactory()
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        client.get(session.get_absolute_url(), headers={"user-agent": "Mozilla/5.0 Firefox"})
    query_count = len(queries)  # before the next request clears the connection's log
    client.get("/no-such-page/")

    first, second = request_log_lines()
    assert first["message"] == "request"
    assert first["level"] == "INFO"
    assert first["method"] == "GET"
    assert first["path"] == session.get_absolute_url()
    assert first["status"] == 200
    assert first["queries"] == query_count
    assert first["queries"] > 0
    assert 0 < first["duration_ms"] < 60_000
    assert first["user_agent"] == "Mozilla/5.0 Firefox"
    assert second["status"] == 404
    assert second["path"] == "/no-such-page/"


@pytest.mark.django_db
def test_no_request_lines_unless_asked_for(request_log_lines, client):
    assert settings.CATALOGUE_JSON_LOGS is False
    client.get("/sessions/")
    assert request_log_lines() == []


@pytest.mark.django_db
@override_settings(CATALOGUE_JSON_LOGS=True)
def test_probes_stay_out_of_the_request_log(request_log_lines):
    Client().get("/healthz")
    Client().get("/readyz")
    assert request_log_lines() == []


def test_the_environment_switch_makes_every_log_line_json():
    result = run_script_in_production(
        "import logging; logging.getLogger('igf_catalogue').warning('hello', extra={'answer': 42})",
        DJANGO_JSON_LOGS="1",
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello"
    assert line["level"] == "WARNING"
    assert line["answer"] == 42
