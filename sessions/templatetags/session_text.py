"""Small pieces of text the session templates share."""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def indefinite_article(word: str) -> str:
    """ "An" before a vowel ("An Open Forum"), otherwise "A" ("A Workshop")."""
    return "An" if str(word)[:1].lower() in "aeiou" and str(word)[:1] else "A"


@register.filter
def web_url(url: str) -> str:
    """`url` if it is an http(s) address, else "": a stored URL never becomes a script link."""
    try:
        scheme = urlsplit(str(url)).scheme.lower()
    except ValueError:
        return ""
    return str(url) if scheme in {"http", "https"} else ""


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@register.filter
def printable(text: str) -> str:
    """`text` with control characters (a NUL byte, say) shown as "�", as a browser would."""
    return CONTROL_CHARACTERS.sub("\ufffd", str(text))


@register.filter
def language_name(code: str) -> str:
    """ "English" for "en", "Spanish" for "es"; the code itself when Django does not know it."""
    try:
        return get_language_info(str(code).lower())["name"]
    except KeyError:
        return str(code)
