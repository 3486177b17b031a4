"""Small pieces of text the session templates share."""

import re
from urllib.parse import urlencode, urlsplit

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info, gettext

register = template.Library()


def starts_with_vowel(word: str) -> bool:
    """Whether English puts "an" before `word` ("an Open Forum", "a Workshop")."""
    return str(word)[:1].lower() in set("aeiou")


def is_held_online(venue) -> bool:
    return not venue.country and venue.city.strip().lower() == "online"


def interpolate_html(message: str, **parts: SafeString) -> SafeString:
    """A translated `message` ("%(type)s in %(city)s") as HTML: its own text escaped,
    its placeholders filled with `parts`, which are HTML already."""
    return mark_safe(conditional_escape(message) % parts)


@register.simple_tag
def header_line(session, linked: bool = False) -> SafeString:
    """ "12 November 2015 - A Workshop on Other in João Pessoa, Brazil", in the interface's
    language (the names of the type, topic and venue are content and stay as they are).
    With `linked`, the type, topic and venue each link to the list filtered by them."""
    list_url = reverse("sessions:list")

    def name(parameter: str, obj, text: str) -> str:
        if not linked:
            return conditional_escape(text)
        return format_html(
            '<a href="{}?{}">{}</a>', list_url, urlencode({parameter: obj.slug}), text
        )

    type_, topic, venue = session.type, session.topic, session.venue
    vowel, online = starts_with_vowel(type_.name), is_held_online(venue)
    if online:
        line = (
            gettext("%(date)s - An %(type)s on %(topic)s held %(venue)s")
            if vowel
            else gettext("%(date)s - A %(type)s on %(topic)s held %(venue)s")
        )
    else:
        line = (
            gettext("%(date)s - An %(type)s on %(topic)s in %(venue)s")
            if vowel
            else gettext("%(date)s - A %(type)s on %(topic)s in %(venue)s")
        )
    return interpolate_html(
        line,
        date=format_html(
            '<time datetime="{}">{}</time>', session.date.isoformat(), date_format(session.date)
        ),
        type=name("type", type_, type_.name),
        topic=name("topic", topic, topic.name),
        venue=name("venue", venue, venue.name),
    )


@register.simple_tag
def related_line(session) -> SafeString:
    """ "Main Session in Rio de Janeiro on Other", each name a link to the filtered list."""
    list_url = reverse("sessions:list")

    def link(parameter: str, obj, text: str) -> str:
        return format_html(
            '<a href="{}?{}">{}</a>', list_url, urlencode({parameter: obj.slug}), text
        )

    line = (
        gettext("%(type)s held %(city)s on %(topic)s")
        if is_held_online(session.venue)
        else gettext("%(type)s in %(city)s on %(topic)s")
    )
    return interpolate_html(
        line,
        type=link("type", session.type, session.type.name),
        city=link("venue", session.venue, session.venue.city),
        topic=link("topic", session.topic, session.topic.name),
    )


@register.simple_tag
def session_summary(session) -> str:
    """The page description: "Title: a Workshop on Other, 12 November 2015, Quito, Ecuador."."""
    summary = (
        gettext("%(title)s: an %(type)s on %(topic)s, %(date)s, %(venue)s.")
        if starts_with_vowel(session.type.name)
        else gettext("%(title)s: a %(type)s on %(topic)s, %(date)s, %(venue)s.")
    )
    return summary % {
        "title": session.title,
        "type": session.type.name,
        "topic": session.topic.name,
        "date": date_format(session.date),
        "venue": session.venue.name,
    }


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
    """ "English" for "en", "Spanish" for "es", in the interface's language; the code itself
    when Django does not know it."""
    try:
        return get_language_info(str(code).lower())["name_translated"]
    except KeyError:
        return str(code)
