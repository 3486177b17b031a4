"""What bin/deploy-check needs beyond bash, from Python's standard library only (it runs
before the catalogue's own dependencies are installed, and must not lean on them):

  deploy_check_pages.py free-port                  a free TCP port on 127.0.0.1
  deploy_check_pages.py flush-redis REDIS_URL      empty that Redis database
  deploy_check_pages.py wait-ready BASE_URL --pid PID --timeout SECONDS
                                                   until BASE_URL/readyz answers "ok"
  deploy_check_pages.py stop-group PGID            stop a process group, then wait for it
  deploy_check_pages.py pages BASE_URL MO_FILE     fetch the pages as the TLS proxy would

`pages` checks that the home page and the session list are served in English and in
Spanish, with every interface string of the English page that the Spanish catalogue
(MO_FILE) translates shown translated; that their stylesheet is served; and that plain
HTTP is redirected to HTTPS.
"""

import argparse
import email.message
import gettext
import os
import signal
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser

# What the TLS proxy in front of the site sends along with a browser's request.
PROXY_HOST = "localhost"
CLIENT_ADDRESS = "203.0.113.7"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PAGES = ["/", "/sessions/"]
# Fewer translated strings than this on a page would mean the check is not looking at
# the interface at all (an error page, an empty answer).
MIN_TRANSLATED = 10
# What a Spanish visitor saw in English beside "Sesiones" when the catalogue was not
# compiled: named so that the summary says plainly whether they are translated now.
REPORTED_UNTRANSLATED = ["Filter sessions", "Sort by:", "Year:"]
# Elements whose text is never shown.
HIDDEN_ELEMENTS = {"script", "style", "template"}
# Elements without an end tag, never pushed on the open elements' stack.
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
TIMEOUT = 30


def normalise(text):
    return " ".join(text.split())


def bare(text):
    """A form label's text without the ":" Django adds to it ("Year:" is "Year")."""
    return text[:-1].rstrip() if text.endswith(":") else text


class VisibleText(HTMLParser):
    """The texts a visitor sees or hears on a page, whitespace normalised.

    Text in an element that names a language of its own (the language switcher's
    "Español") is kept apart: it is meant to stay as it is on every page.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.foreign_texts = []
        self.html_lang = None
        self.stylesheets = []
        self._open = []  # (tag, names a language of its own)
        self._hidden = 0

    def _foreign(self):
        return any(foreign for _tag, foreign in self._open)

    def _add(self, text):
        text = normalise(text)
        if text:
            (self.foreign_texts if self._foreign() else self.texts).append(text)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "link" and "stylesheet" in attributes.get("rel", "").split():
            self.stylesheets.append(attributes.get("href", ""))
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, tag != "html" and "lang" in attributes))
        for name in SHOWN_ATTRIBUTES:
            if name in attributes:
                self._add(attributes[name])
        if tag == "input" and attributes.get("type", "").lower() in {"submit", "button", "reset"}:
            self._add(attributes.get("value", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1
        # Close it, and whatever was left open inside it (an implied end tag).
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._hidden:
            self._add(data)


def load_translations(mo_file):
    """Each msgid of the compiled catalogue mapped to its translations that differ from it."""
    with open(mo_file, "rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog
    translations = defaultdict(set)
    for key, msgstr in catalogue.items():
        if isinstance(key, tuple):  # a plural entry: (singular msgid, plural form)
            msgid, form = key
            if form != 0:
                continue
        else:
            msgid = key
        if not msgid:  # the catalogue's header
            continue
        msgid = normalise(msgid.split("\x04", 1)[-1])  # without pgettext's context
        msgstr = normalise(msgstr)
        if msgstr and msgstr != msgid:
            translations[msgid].add(msgstr)
    return translations


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Proxies from the environment would not reach 127.0.0.1; redirects are looked at, not followed.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())


class Answer:
    def __init__(self, status, headers, body, error=""):
        self.status = status
        self.headers = headers
        self.body = body
        self.error = error

    def __str__(self):
        return self.error or str(self.status)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def fetch(url, headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with OPENER.open(request, timeout=TIMEOUT) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())
    except OSError as error:  # refused, reset, timed out: a failed check, not a traceback
        return Answer(0, email.message.Message(), b"", f"no answer ({error})")


def as_proxy(base_url, path, language=None, https=True):
    headers = {"Host": PROXY_HOST, "User-Agent": BROWSER, "X-Forwarded-For": CLIENT_ADDRESS}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    if language:
        headers["Accept-Language"] = language
    return fetch(base_url + path, headers)


class Checks:
    def __init__(self):
        self.failures = []

    def check(self, ok, label, detail=""):
        print(f"  {'ok  ' if ok else 'FAIL'} {label}" + (f": {detail}" if detail else ""))
        if not ok:
            self.failures.append(f"{label}: {detail}" if detail else label)
        return ok


def shorten(texts, limit=8):
    texts = sorted(texts)
    shown = ", ".join(repr(text) for text in texts[:limit])
    return shown + (f" and {len(texts) - limit} more" if len(texts) > limit else "")


def check_page(checks, base_url, path, translations):
    english = as_proxy(base_url, path, "en")
    spanish = as_proxy(base_url, path, "es")
    english_page, spanish_page = VisibleText(), VisibleText()
    english_page.feed(english.text)
    spanish_page.feed(spanish.text)
    checks.check(english.status == 200, f"{path} in English answers 200", str(english))
    content_language = english.headers.get("Content-Language", "")
    checks.check(
        content_language == "en" or english_page.html_lang == "en",
        f"{path} in English is in English",
        f"Content-Language {content_language!r}, <html lang={english_page.html_lang!r}>",
    )
    checks.check(spanish.status == 200, f"{path} in Spanish answers 200", str(spanish))
    checks.check(
        spanish_page.html_lang == "es",
        f"{path} in Spanish is in Spanish",
        f"Content-Language {spanish.headers.get('Content-Language', '')!r}, "
        f"<html lang={spanish_page.html_lang!r}>",
    )

    # The English page's interface strings that the catalogue translates, and whether the
    # Spanish page shows each one's translation instead. A form label's text is its
    # msgid and the ":" Django adds ("Year:"), or a msgid with its own ("Sort:").
    spanish_texts = set(spanish_page.texts) | {bare(text) for text in spanish_page.texts}
    verified, untranslated, missing = set(), set(), set()
    for text in set(english_page.texts):
        msgid = text if text in translations else bare(text)
        if msgid not in translations:
            continue
        if msgid in spanish_texts:
            untranslated.add(text)
        elif not translations[msgid] & spanish_texts:
            missing.add(f"{text} -> {' | '.join(sorted(translations[msgid]))}")
        else:
            verified.add(msgid)
    checks.check(
        not untranslated,
        f"{path} in Spanish shows no interface string in English",
        shorten(untranslated) if untranslated else f"{len(verified)} translated strings verified",
    )
    checks.check(
        not missing,
        f"{path} in Spanish shows the translation of each",
        shorten(missing) if missing else "",
    )
    found = len(verified) + len(untranslated) + len(missing)
    checks.check(
        found >= MIN_TRANSLATED,
        f"{path} in English shows at least {MIN_TRANSLATED} translatable strings",
        str(found),
    )
    reported = [text for text in REPORTED_UNTRANSLATED if text in english_page.texts]
    if reported:
        still_english = [text for text in reported if bare(text) in spanish_texts]
        checks.check(
            not still_english,
            f"{path} in Spanish shows none of {shorten(reported)}",
            shorten(still_english) if still_english else "",
        )
    # Not a failure (a name, a number may rightly read the same), but worth a look: a msgid
    # left untranslated in the .po file is not in the compiled catalogue at all.
    same = set(english_page.texts) & set(spanish_page.texts)
    if same:
        print(f"  note: {path} reads the same in both languages: {shorten(same)}")
    return english_page, len(verified)


def pages(base_url, mo_file):
    checks = Checks()
    translations = load_translations(mo_file)
    print(f"  the Spanish catalogue translates {len(translations)} strings")
    total = 0
    stylesheets = []
    for path in PAGES:
        english_page, verified = check_page(checks, base_url, path, translations)
        total += verified
        stylesheets += english_page.stylesheets

    if checks.check(bool(stylesheets), "the pages link a stylesheet"):
        address = urllib.parse.urljoin(f"https://{PROXY_HOST}/", stylesheets[0])
        path = urllib.parse.urlsplit(address).path
        stylesheet = as_proxy(base_url, path)
        checks.check(
            stylesheet.status == 200 and len(stylesheet.body) > 0,
            f"the stylesheet {path} is served",
            f"{stylesheet}, {len(stylesheet.body)} bytes, "
            f"{stylesheet.headers.get('Content-Type', '')}",
        )

    plain = as_proxy(base_url, "/sessions/", "en", https=False)
    location = plain.headers.get("Location", "")
    checks.check(
        plain.status == 301 and location.startswith(f"https://{PROXY_HOST}/sessions/"),
        "plain HTTP on /sessions/ redirects to HTTPS",
        f"{plain} to {location!r}",
    )
    print(f"  {total} translated strings verified on {len(PAGES)} pages")
    if checks.failures:
        print(f"{len(checks.failures)} page check(s) failed:", file=sys.stderr)
        for failure in checks.failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        print(sock.getsockname()[1])
    return 0


def flush_redis(redis_url):
    """FLUSHDB on the database REDIS_URL names (redis://[[user]:password@]host[:port][/db])."""
    url = urllib.parse.urlsplit(redis_url)
    database = int(url.path.lstrip("/") or 0)
    commands = []
    if url.password:
        commands.append(["AUTH", *([url.username] if url.username else []), url.password])
    commands += [["SELECT", str(database)], ["FLUSHDB"]]
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), 5) as sock:
        replies = sock.makefile("rb")
        for command in commands:
            parts = [f"*{len(command)}\r\n".encode()]
            for argument in command:
                encoded = urllib.parse.unquote(argument).encode()
                parts.append(b"$%d\r\n%s\r\n" % (len(encoded), encoded))
            sock.sendall(b"".join(parts))
            reply = replies.readline().decode("utf-8", "replace").strip()
            if not reply.startswith("+"):
                print(f"Redis answered {command[0]} with {reply!r}", file=sys.stderr)
                return 1
    return 0


def wait_ready(base_url, pid, timeout):
    """0 once /readyz answers ok; 1 after TIMEOUT seconds; 2 when PID has exited."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if pid and not running(pid):
            print("  the serve steps exited before the site answered", file=sys.stderr)
            return 2
        try:
            answer = fetch(base_url + "/readyz", {"User-Agent": BROWSER})
            if answer.status == 200 and answer.text.strip() == "ok":
                return 0
            last = f"{answer.status} {answer.text.strip()[:80]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    print(f"  /readyz did not answer ok within {timeout} s (last: {last})", file=sys.stderr)
    return 1


def process_states():
    """(pid, process group, state) of every process, from /proc."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as file:
                stat = file.read()
        except OSError:
            continue
        # After the command name, which may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        yield int(name), int(fields[2]), fields[0]


def running(pid):
    """Whether PID runs (a zombie, exited but not yet waited for, does not)."""
    if os.path.isdir("/proc"):
        return any(p == pid and state != "Z" for p, _group, state in process_states())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def group_running(group):
    if os.path.isdir("/proc"):
        return any(g == group and state != "Z" for _pid, g, state in process_states())
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(group, timeout):
    """SIGTERM to the group (gunicorn stops its workers gracefully), SIGKILL after TIMEOUT."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return 0
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not group_running(group):
                return 0
            time.sleep(0.2)
    print(f"process group {group} still runs after SIGKILL", file=sys.stderr)
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("free-port")
    flush = commands.add_parser("flush-redis")
    flush.add_argument("redis_url")
    wait = commands.add_parser("wait-ready")
    wait.add_argument("base_url")
    wait.add_argument("--pid", type=int, default=0)
    wait.add_argument("--timeout", type=float, default=60)
    stop = commands.add_parser("stop-group")
    stop.add_argument("group", type=int)
    stop.add_argument("--timeout", type=float, default=15)
    check = commands.add_parser("pages")
    check.add_argument("base_url")
    check.add_argument("mo_file")
    args = parser.parse_args()
    # The checks' lines and the failures after them, in order in CI's log too.
    sys.stdout.reconfigure(line_buffering=True)

    if args.command == "free-port":
        return free_port()
    if args.command == "flush-redis":
        return flush_redis(args.redis_url)
    if args.command == "wait-ready":
        return wait_ready(args.base_url.rstrip("/"), args.pid, args.timeout)
    if args.command == "stop-group":
        return stop_group(args.group, args.timeout)
    return pages(args.base_url.rstrip("/"), args.mo_file)


if __name__ == "__main__":
    sys.exit(main())
