"""Behind a proxy, visitors are told apart by the address the proxy saw: for the API's
rate limit, the admin's sign-in lockout and the view counter alike. A deployment that
would see every visitor as the proxy fails `check --deploy`, and says so as it starts."""

import logging

import pytest
from django.conf import settings
from django.test import RequestFactory

from igf_catalogue.client_address import client_address
from sessions.models import Session
from tests.factories import EditorFactory, SessionFactory
from tests.production import run_in_production

PROXY = "10.0.0.5"
ALICE, BOB = "203.0.113.7", "198.51.100.23"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PASSWORD = "correct horse battery staple"  # the factories' password


def through_the_proxy(visitor: str, **extra) -> dict:
    """What a request from `visitor` looks like once the proxy has passed it on."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": visitor, **extra}


def address_of(**meta) -> str:
    return client_address(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_the_proxy(settings):
    settings.CATALOGUE_TRUSTED_PROXIES = [PROXY]


@pytest.fixture
def proxy_not_trusted(settings):
    settings.CATALOGUE_TRUSTED_PROXIES = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# -- Two visitors are two visitors ------------------------------------------------------


@pytest.mark.django_db
def test_behind_the_proxy_two_visitors_have_two_rate_limits(client, settings, behind_the_proxy):
    settings.CATALOGUE_API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/topics/", **through_the_proxy(ALICE)).status_code == 200
    assert client.get("/api/topics/", **through_the_proxy(ALICE)).status_code == 429
    assert client.get("/api/topics/", **through_the_proxy(BOB)).status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_one_visitors_wrong_passwords_do_not_lock_out_another(
    client, behind_the_proxy
):
    editor = EditorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login = {"username": editor.username, "password": "wrong password"}
        client.post("/admin/login/", login, secure=True, **through_the_proxy(ALICE))
    login = {"username": editor.username, "password": PASSWORD}
    assert (
        client.post("/admin/login/", login, secure=True, **through_the_proxy(ALICE)).status_code
        == 429
    )
    answer = client.post("/admin/login/", login, secure=True, **through_the_proxy(BOB))
    assert answer.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_two_visitors_are_two_views(client, settings, behind_the_proxy):
    # One view per address and session: a third person behind Alice's address is not counted.
    settings.CATALOGUE_VIEWS_PER_ADDRESS = 1
    session = SessionFactory(views=0)
    for visitor, browser in [(ALICE, BROWSER), (BOB, BROWSER), (ALICE, f"{BROWSER} other")]:
        page = client.get(
            session.get_absolute_url(), HTTP_USER_AGENT=browser, **through_the_proxy(visitor)
        )
        assert page.status_code == 200
    assert Session.objects.get(pk=session.pk).views == 2


@pytest.mark.django_db
def test_without_a_trusted_proxy_everyone_behind_it_is_one_visitor(
    client, settings, proxy_not_trusted
):
    """What the deploy check below prevents."""
    settings.CATALOGUE_VIEWS_PER_ADDRESS = 1
    session = SessionFactory(views=0)
    for visitor in (ALICE, BOB):
        client.get(
            session.get_absolute_url(), HTTP_USER_AGENT=BROWSER, **through_the_proxy(visitor)
        )
    assert Session.objects.get(pk=session.pk).views == 1


# -- Which address is the client's ------------------------------------------------------


def test_the_header_of_a_client_that_is_no_trusted_proxy_is_ignored(behind_the_proxy):
    assert address_of(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB) == ALICE


def test_what_the_client_sent_before_the_proxys_address_is_ignored(behind_the_proxy):
    made_up = f"{BOB}, 192.0.2.1, {ALICE}"
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=made_up) == ALICE


def test_in_a_chain_of_trusted_proxies_the_first_untrusted_address_from_the_right_is_the_client(
    settings,
):
    settings.CATALOGUE_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    chain = f"{BOB}, {ALICE}, 10.1.2.3, fd00::7"
    assert address_of(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=chain) == ALICE


def test_a_star_trusts_whoever_connects_but_not_what_the_client_wrote(settings):
    settings.CATALOGUE_TRUSTED_PROXIES = ["*"]
    assert address_of(REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR=ALICE) == ALICE
    made_up = f"{BOB}, {ALICE}"
    assert address_of(REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR=made_up) == ALICE


@pytest.mark.parametrize(
    ("written", "client"),
    [
        (f"{ALICE}:5555", ALICE),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        (" 203.0.113.7 ", ALICE),
    ],
)
def test_an_address_the_proxy_wrote_with_a_port_is_the_address(behind_the_proxy, written, client):
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=written) == client


@pytest.mark.parametrize("written", ["unknown", "<script>", f"{ALICE}, ", "300.1.2.3"])
def test_a_hop_that_is_no_address_leaves_the_proxys_own(behind_the_proxy, written):
    """Rather than anything a client could write to pass for someone new."""
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=written) == PROXY


def test_a_proxy_seen_through_a_dual_stack_listener_is_still_trusted(behind_the_proxy):
    assert address_of(REMOTE_ADDR=f"::ffff:{PROXY}", HTTP_X_FORWARDED_FOR=ALICE) == ALICE


def test_without_the_header_the_connecting_address_is_the_client(behind_the_proxy):
    assert address_of(REMOTE_ADDR=PROXY) == PROXY
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=" ") == PROXY


def test_the_header_may_be_another_one(settings, behind_the_proxy):
    settings.CATALOGUE_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ALICE, HTTP_X_FORWARDED_FOR=BOB) == ALICE


# -- A deployment that would see one visitor --------------------------------------------


def test_a_proxy_not_trusted_fails_the_deploy_checks():
    result = run_in_production("manage.py", "check", "--deploy", CATALOGUE_TRUSTED_PROXIES="")
    assert result.returncode != 0
    assert "catalogue.E001" in result.stderr
    assert "CATALOGUE_TRUSTED_PROXIES" in result.stderr


def test_gunicorn_facing_clients_itself_needs_no_trusted_proxy():
    result = run_in_production(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CATALOGUE_TRUSTED_PROXIES="",
        DJANGO_SECURE_PROXY_SSL_HEADER="0",
    )
    assert result.returncode == 0, result.stderr


def test_an_entry_that_is_no_address_fails_the_checks():
    result = run_in_production("manage.py", "check", CATALOGUE_TRUSTED_PROXIES="10.0.0.5,proxy.lan")
    assert result.returncode != 0
    assert "catalogue.E002" in result.stderr
    assert "'proxy.lan'" in result.stderr


def test_the_site_says_so_as_it_starts():
    started = run_in_production("-c", "import igf_catalogue.wsgi", CATALOGUE_TRUSTED_PROXIES="")
    assert started.returncode == 0, started.stderr
    assert "catalogue.E001" in started.stderr


def test_a_forwarded_request_from_an_untrusted_address_is_logged_once_a_minute(
    caplog, proxy_not_trusted, fresh_logging
):
    with caplog.at_level(logging.WARNING, logger="igf_catalogue.client_address"):
        for visitor in (ALICE, BOB, ALICE):
            assert address_of(**through_the_proxy(visitor)) == PROXY
    warnings = [r for r in caplog.records if r.name == "igf_catalogue.client_address"]
    assert len(warnings) == 1
    assert PROXY in warnings[0].getMessage()
    assert "CATALOGUE_TRUSTED_PROXIES" in warnings[0].getMessage()
