"""Reading rendered pages in tests: the text a visitor sees, and the links they can follow."""

import html
import re
from html.parser import HTMLParser

from django.utils.html import strip_tags

LINK = re.compile(r'<a\b[^>]*\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)


def visible_text(markup: str) -> str:
    """`markup` as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(markup)).split())


def first_element(content: str, tag: str, css_class: str) -> str:
    """The inner HTML of the first `<tag class="css_class">` in `content` (not nested)."""
    match = re.search(rf'<{tag} class="{css_class}"[^>]*>(.*?)</{tag}>', content, re.S)
    assert match, f'no <{tag} class="{css_class}"> on the page'
    return match.group(1)


def section(content: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with id `heading_id`."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', content, re.S
    )
    assert match, f"no section labelled {heading_id!r} on the page"
    return match.group(1)


def links(markup: str) -> list[tuple[str, str]]:
    """Every link in `markup` as (href, visible text), hrefs unescaped."""
    return [(html.unescape(href), visible_text(text)) for href, text in LINK.findall(markup)]


def link_texts(markup: str, css_class: str) -> list[str]:
    """The visible text of every link with `css_class`, in page order."""
    pattern = rf'<a class="{css_class}"[^>]*>(.*?)</a>'
    return [visible_text(text) for text in re.findall(pattern, markup, re.S)]


VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _NestingChecker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open_tags: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]
        if tag not in VOID_ELEMENTS:
            self.open_tags.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if not self.open_tags or self.open_tags[-1] != tag:
            self.problems.append(
                f"</{tag}> closes <{self.open_tags[-1] if self.open_tags else ''}>"
            )
            return
        self.open_tags.pop()


def markup_problems(content: str) -> list[str]:
    """Elements closed out of order or left open, and ids used twice, in `content`."""
    checker = _NestingChecker()
    checker.feed(content)
    checker.close()
    problems = checker.problems + [f"<{tag}> never closed" for tag in checker.open_tags]
    duplicates = {id_ for id_ in checker.ids if checker.ids.count(id_) > 1}
    return problems + [f'id="{id_}" used twice' for id_ in sorted(duplicates)]


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and handlers."""

    DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if (
            tag == "script"
            and not attributes.get("src")
            and script_type not in self.DATA_BLOCK_TYPES
        ):
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.problems.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'style="{value}" on <{tag}> at line {self.getpos()[0]}')
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
