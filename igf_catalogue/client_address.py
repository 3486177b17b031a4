"""Who the client is: its address, as the proxy in front of the site reports it.

Behind a proxy every request comes from the proxy's own address. The API's rate limit,
the admin's sign-in lockout and the view counter must tell visitors apart, so a request
from one of CATALOGUE_TRUSTED_PROXIES is taken to come from the address that proxy put
last in CATALOGUE_CLIENT_IP_HEADER (X-Forwarded-For), skipping addresses of other
trusted proxies in a chain of them. What comes before it was sent by the client and
could be anything. A request from anywhere else is its own REMOTE_ADDR, whatever it
sends: gunicorn's `forwarded_allow_ips` and Rails' trusted proxies work the same way.
"*" trusts whoever connects (the compose file's proxy has an address Docker picks), but
no address in the header: there the last one is the client's.

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


def _trusted_entries() -> tuple[str, ...]:
    return tuple(settings.CATALOGUE_TRUSTED_PROXIES)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address in `text`, also when a proxy wrote it with a port ("203.0.113.7:5555",
    "[2001:db8::1]:443"); None when it holds none."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack listener shows IPv4 clients as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def _in_trusted_networks(address) -> bool:
    return any(address in network for network in _parse(_trusted_entries())[0])


def client_address(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind a trusted proxy the one it saw."""
    peer = request.META.get("REMOTE_ADDR", "")
    header = settings.CATALOGUE_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    if not forwarded.strip():
        return peer
    peer_address = _address(peer)
    trusts_any_peer = ANY_ADDRESS in _trusted_entries()
    if not trusts_any_peer and not (peer_address and _in_trusted_networks(peer_address)):
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
    # From the right: the last hop that is not a trusted proxy's is the client. "*" trusts
    # whoever connects, never a hop: the one the proxy added is the client's, and anything
    # before it was written by the client.
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            # Not an address: nothing to go on but the peer, rather than what the client wrote.
            return peer
        if not _in_trusted_networks(address):
            return str(address)
    return peer


@checks.register(checks.Tags.security)
def check_trusted_proxies_are_addresses(**kwargs) -> list[checks.CheckMessage]:
    invalid = [entry for entry in _parse(_trusted_entries())[1] if entry != ANY_ADDRESS]
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
    if settings.DEBUG or not behind_a_proxy or _trusted_entries():
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
