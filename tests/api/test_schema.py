"""The OpenAPI schema at /api/schema/, the docs at /api/docs/, and schemathesis run against
the schema on the live test server."""

import json
import re
import urllib.request
from collections import Counter

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, strategies
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from sessions.browsing.filters import SessionFilter
from sessions.models import Participant
from sessions.search import refresh_search_vectors
from tests.factories import ParticipantFactory, SessionFactory, TagFactory, TranscriptFactory

ENDPOINTS = [
    "sessions",
    "meetings",
    "venues",
    "session-types",
    "topics",
    "strategies",
    "speakers",
    "tags",
]
# Generated cases per operation: enough to try every parameter, few enough to stay quick.
EXAMPLES_PER_OPERATION = 40


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "IGF Session Catalogue API"


@pytest.mark.django_db
def test_the_schema_is_served_as_json_too(client):
    response = client.get("/api/schema/?format=json")
    validate(json.loads(response.content))


@pytest.mark.django_db
def test_the_schema_documents_every_endpoint_read_only(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    expected = {f"/api/{name}/" for name in ENDPOINTS} | {
        f"/api/{name}/{{slug}}/" for name in ENDPOINTS
    }
    assert set(schema["paths"]) == expected
    for operations in schema["paths"].values():
        assert set(operations) == {"get"}
        assert {"200", "404", "429"} <= set(operations["get"]["responses"])


@pytest.mark.django_db
def test_the_sessions_list_documents_the_filters_of_the_page(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/sessions/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {*SessionFilter.base_filters, "page", "page_size"}
    assert {"year", "venue", "type", "topic", "strategy", "q", "sort"} <= set(parameters)
    # Each query parameter may also be given empty, which is taken as not given.
    assert all(
        parameter["schema"]["anyOf"][1] == {"type": "string", "maxLength": 0}
        for parameter in parameters.values()
    )
    assert set(parameters["sort"]["schema"]["anyOf"][0]["enum"]) == {
        "-date",
        "date",
        "-views",
        "title",
        "relevance",
    }
    assert "400" in operation["responses"]


@pytest.mark.django_db
def test_making_the_schema_leaves_the_lists_filters_working(client):
    # The schema reads the FilterSet's filters; the page and the API must not see it.
    session = SessionFactory(title="Broadband for all")
    refresh_search_vectors([session.pk])
    client.get("/api/schema/")
    page = client.get("/sessions/?q=broadband&sort=relevance&year=2015").content.decode()
    assert "That is not a sort order" not in page
    assert "There are no sessions in that year" not in page
    response = client.get("/api/sessions/?q=broadband&sort=relevance&year=2015")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_the_session_shape_is_documented_field_by_field(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    session = schema["components"]["schemas"]["Session"]
    assert list(session["properties"]) == [
        "key",
        "slug",
        "title",
        "language",
        "date",
        "start_time",
        "end_time",
        "type",
        "topic",
        "meeting",
        "venue",
        "description",
        "report",
        "recordings",
        "documents",
        "url",
        "views",
        "strategies",
        "objectives",
        "enablers",
        "participants",
        "tags",
        "related",
        "site_url",
    ]
    undocumented = [
        name
        for name, field in session["properties"].items()
        if name not in {"title", "date"} and not field.get("description")
    ]
    assert undocumented == []


@pytest.mark.django_db
def test_the_docs_page_uses_no_outside_address(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "swagger-ui" in content
    assert not re.search(r"https?://|(src|href)=\"//|cdn", content, re.IGNORECASE)
    # Its scripts and styles are this site's own static files, and they are there.
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', content)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    # Its start-up script is a file of its own (no inline script), and it reads the
    # schema from this site.
    scripts = re.findall(r'<script src="(/api/docs/[^"]+)"', content)
    assert len(scripts) == 1
    assert 'url: "/api/schema/"' in client.get(scripts[0]).content.decode()


@pytest.mark.django_db
def test_the_docs_page_sets_no_cookie_and_keeps_its_etag(client):
    first = client.get("/api/docs/")
    assert not first.cookies
    assert "Cookie" not in first.get("Vary", "")
    assert client.get("/api/docs/", headers={"if-none-match": first["ETag"]}).status_code == 304


# schemathesis on the live server


@pytest.fixture
def catalogue_to_fuzz(seed_session):
    """A catalogue with one of everything an endpoint reads."""
    ParticipantFactory(session=seed_session, role=Participant.Role.MODERATOR)
    TranscriptFactory(session=seed_session)
    SessionFactory(title="Open data for all", tags=[TagFactory(name="Open data")])
    return seed_session


def known_slugs(base_url: str) -> dict[str, str]:
    """The slug of one object of each endpoint, so that details are fuzzed found too."""
    slugs = {}
    for endpoint in ENDPOINTS:
        with urllib.request.urlopen(f"{base_url}/api/{endpoint}/", timeout=10) as response:
            slugs[endpoint] = json.load(response)["results"][0]["slug"]
    return slugs


def fuzz(cases: strategies.SearchStrategy, *, base_url: str) -> Counter:
    """Call and check EXAMPLES_PER_OPERATION generated cases; the statuses answered."""
    seen = Counter()

    @given(case=cases)
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        # The same cases on every run, so that CI passes or fails on the code alone.
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Every check: no server error; every status, content type, header and body as
        # the schema says; what fits the schema accepted (or, naming nothing, a 404),
        # and what does not fit it refused.
        response = case.call_and_validate(base_url=base_url)
        seen[response.status_code] += 1
        assert response.status_code < 500

    run()
    return seen


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_response_off_the_schema(
    live_server, settings, catalogue_to_fuzz, record_property
):
    settings.CATALOGUE_API_ANON_RATE = None  # hundreds of requests in a few seconds
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    slugs = known_slugs(live_server.url)
    statuses: dict[str, Counter] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = strategies.one_of(
            operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
        if "{slug}" in operation.path:
            found = operation.as_strategy(
                path_parameters={"slug": slugs[operation.path.split("/")[2]]}
            )
            cases = strategies.one_of(cases, found)
        statuses[operation.label] = fuzz(cases, base_url=live_server.url)
    for label, seen in sorted(statuses.items()):
        answers = ", ".join(f"{count} x {status}" for status, count in sorted(seen.items()))
        print(f"schemathesis: {label}: {seen.total()} cases ({answers})")
    total = sum(seen.total() for seen in statuses.values())
    print(f"schemathesis: {total} cases over {len(statuses)} operations")
    record_property("summary", f"schemathesis: {total} cases over {len(statuses)} operations")
    assert len(statuses) == 2 * len(ENDPOINTS)
    # Every operation was also seen answering with data, checked against the schema.
    assert all(seen[200] for seen in statuses.values()), statuses
