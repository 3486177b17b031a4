"""Who the client is: its address, as the proxy in front of the site reports it.

Behind a proxy every request comes from the proxy's own address. The API's rate limit,
the admin's sign-in lockout and the view counter must tell visitors apart, so a request
from one of CATALOGUE_TRUSTED_PROXIES is taken to come from the address that proxy put
last in CATALOGUE_CLIENT_IP_HEADER (X-Forwarded-For), skipping addresses of other
trusted proxies in a chain of them. What comes before it was sent by the client and
could be anything. A request from anywhere else is its own REMOTE_ADDR, whatever it
sends: gunicorn's `forwarded_allow_ips` and Rails' trusted proxies work the same way.

A site set up behind a proxy (SECURE_PROXY_SSL_HEADER) that trusts none would count
every visitor as the proxy: `check --deploy` refuses it, and a request that arrives
with the header from an untrusted address says so in the log.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.http import HttpRequest

# Logged at most once a minute (settings.LOGGING): the mistake shows on every request.
logger = logging.getLogger(__name__)

ANY_ADDRESS = "*"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _parse(entries: tuple[str, ...]) -> tuple[tuple[Network, ...], tuple[str, ...]]:
    """The networks among `entries`, and the entries that are no address or network."""
    networks, invalid = [], []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            invalid.append(entry)
    return tuple(networks), tuple(invalid)


def _setting() -> tuple[str, ...]:
    return tuple(settings.CATALOGUE_TRUSTED_PROXIES)


def is_trusted_proxy(address: str) -> bool:
    entries = _setting()
    if ANY_ADDRESS in entries:
        return True
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _parse(entries)[0])


def client_address(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind a trusted proxy the one it saw."""
    peer = request.META.get("REMOTE_ADDR", "")
    header = settings.CATALOGUE_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    if not forwarded.strip():
        return peer
    if not is_trusted_proxy(peer):
        if settings.SECURE_PROXY_SSL_HEADER:
            logger.warning(
                "A request from %s came with %s, but %s is not in CATALOGUE_TRUSTED_PROXIES: "
                "every visitor behind it counts as one client (one rate limit, one sign-in "
                "lockout, one share of views). Name the proxy there.",
                peer,
                header,
                peer,
            )
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    # From the right: the last hop not a trusted proxy itself is the client.
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else peer


@checks.register(checks.Tags.security)
def check_trusted_proxies_are_addresses(**kwargs) -> list[checks.CheckMessage]:
    invalid = [entry for entry in _parse(_setting())[1] if entry != ANY_ADDRESS]
    if not invalid:
        return []
    return [
        checks.Error(
            f"CATALOGUE_TRUSTED_PROXIES holds {', '.join(map(repr, invalid))}, which is no "
            "address or network.",
            hint="Use addresses and networks such as 127.0.0.1 or 10.0.0.0/8, or *.",
            id="catalogue.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_a_proxy_is_trusted_behind_a_proxy(**kwargs) -> list[checks.CheckMessage]:
    behind_a_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    if settings.DEBUG or not behind_a_proxy or _setting():
        return []
    return [
        checks.Error(
            "The site expects a TLS proxy in front (DJANGO_SECURE_PROXY_SSL_HEADER) but "
            "trusts none to say who its clients are: every visitor would have the proxy's "
            "address, and all would share one API rate limit, one sign-in lockout and one "
            "share of views.",
            hint=(
                "Set CATALOGUE_TRUSTED_PROXIES to the proxy's address (127.0.0.1 when it runs "
                "on this host), or DJANGO_SECURE_PROXY_SSL_HEADER=0 if gunicorn faces the "
                "clients itself."
            ),
            id="catalogue.E001",
        )
    ]
