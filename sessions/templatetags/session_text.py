"""Small pieces of text the session templates share."""

import re
from urllib.parse import urlencode, urlsplit

from django import template
from django.contrib.humanize.templatetags.humanize import ordinal
from django.urls import reverse
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, gettext, gettext_lazy, ngettext

from sessions.models.languages import is_right_to_left, language_name

register = template.Library()


def starts_with_vowel(word: str) -> bool:
    """Whether English puts "an" before `word` ("an Open Forum", "a Workshop")."""
    return str(word)[:1].lower() in set("aeiou")


def is_held_online(venue) -> bool:
    return not venue.country and venue.city.strip().lower() == "online"


def interpolate_html(message: str, **parts: SafeString) -> SafeString:
    """A translated `message` ("%(type)s in %(city)s") as HTML: its own text escaped,
    its placeholders filled with `parts`, which are HTML already. In a right-to-left
    language each part is isolated (<bdi>), so that a Latin name or a date in Arabic
    text keeps its own order and its punctuation where it belongs."""
    if get_language_bidi():
        parts = {name: format_html("<bdi>{}</bdi>", part) for name, part in parts.items()}
    return mark_safe(conditional_escape(message) % parts)


# The header line of a session, by (the type begins with a vowel, held online, at a
# meeting other than the annual IGF): English says "a Workshop", "an Open Forum".
HEADER_LINES = {
    (True, True, False): gettext_lazy("%(date)s - An %(type)s on %(topic)s held %(venue)s"),
    (False, True, False): gettext_lazy("%(date)s - A %(type)s on %(topic)s held %(venue)s"),
    (True, False, False): gettext_lazy("%(date)s - An %(type)s on %(topic)s in %(venue)s"),
    (False, False, False): gettext_lazy("%(date)s - A %(type)s on %(topic)s in %(venue)s"),
    (True, True, True): gettext_lazy(
        "%(date)s - An %(type)s on %(topic)s at %(meeting)s held %(venue)s"
    ),
    (False, True, True): gettext_lazy(
        "%(date)s - A %(type)s on %(topic)s at %(meeting)s held %(venue)s"
    ),
    (True, False, True): gettext_lazy(
        "%(date)s - An %(type)s on %(topic)s at %(meeting)s in %(venue)s"
    ),
    (False, False, True): gettext_lazy(
        "%(date)s - A %(type)s on %(topic)s at %(meeting)s in %(venue)s"
    ),
}


@register.simple_tag
def header_line(session, linked: bool = False) -> SafeString:
    """ "12 November 2015 - A Workshop on Other in João Pessoa, Brazil", in the interface's
    language (the names of the type, topic and venue are content and stay as they are);
    at a meeting other than the annual IGF, it names it: "23 June 2019 - A Workshop on
    Human Rights at EuroDIG 2019 in The Hague, Netherlands".
    With `linked`, the type, topic and venue each link to the list filtered by them, and
    the meeting to its page."""
    list_url = reverse("sessions:list") if linked else ""  # once, and only for links

    def name(parameter: str, obj, text: str) -> str:
        if not linked:
            return conditional_escape(text)
        query = urlencode({parameter: obj.slug})
        return format_html('<a href="{}?{}">{}</a>', list_url, query, text)

    type_, topic, meeting = session.type, session.topic, session.meeting
    venue = meeting.venue
    named = not meeting.is_annual
    line = str(HEADER_LINES[starts_with_vowel(type_.name), is_held_online(venue), named])
    meeting_name = conditional_escape(meeting.name)
    if linked:
        meeting_name = format_html('<a href="{}">{}</a>', meeting.get_absolute_url(), meeting.name)
    return interpolate_html(
        line,
        meeting=meeting_name,
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


@register.simple_tag
def meeting_dates(meeting) -> str:
    """ "10–13 November 2015", "30 November – 2 December 2022", "2015年11月10日 – 11月13日",
    or "" when not known."""
    start, end = meeting.start_date, meeting.end_date
    if start is None:
        return ""
    if end is None or end == start:
        return date_format(start)
    if start.year != end.year:
        return f"{date_format(start)} – {date_format(end)}"
    if not get_format("DATE_FORMAT").startswith(("j", "d")):
        # The year first ("2015年11月10日"): the end is said without it, "– 11月13日".
        return f"{date_format(start)} – {date_format(end, 'MONTH_DAY_FORMAT')}"
    if start.month == end.month:
        return f"{date_format(start, 'j')}–{date_format(end)}"
    return f"{date_format(start, 'MONTH_DAY_FORMAT')} – {date_format(end)}"


def _meeting_kind(meeting) -> str:
    """ "The 10th IGF", or the meeting's kind ("Regional IGF")."""
    if meeting.number:
        return gettext("The %(ordinal)s IGF") % {"ordinal": ordinal(meeting.number)}
    return str(meeting.get_kind_display())


@register.simple_tag
def meeting_line(meeting) -> SafeString:
    """ "The 10th IGF, 10–13 November 2015, in João Pessoa, Brazil", the venue a link."""
    venue = format_html('<a href="{}">{}</a>', meeting.venue.get_absolute_url(), meeting.venue.name)
    parts = {"kind": conditional_escape(_meeting_kind(meeting)), "venue": venue}
    dates = meeting_dates(meeting)
    if is_held_online(meeting.venue):
        line = (
            gettext("%(kind)s, %(dates)s, held %(venue)s")
            if dates
            else gettext("%(kind)s, held %(venue)s")
        )
    else:
        line = (
            gettext("%(kind)s, %(dates)s, in %(venue)s")
            if dates
            else gettext("%(kind)s, in %(venue)s")
        )
    return interpolate_html(line, dates=conditional_escape(dates), **parts)


@register.simple_tag
def meeting_summary(meeting) -> str:
    """The page description: "IGF 2015: the 10th IGF, 10–13 November 2015, João Pessoa, Brazil."."""
    dates = meeting_dates(meeting)
    summary = (
        gettext("%(name)s: %(kind)s, %(dates)s, %(venue)s.")
        if dates
        else gettext("%(name)s: %(kind)s, %(venue)s.")
    )
    return summary % {
        "name": meeting.name,
        "kind": _meeting_kind(meeting),
        "dates": dates,
        "venue": meeting.venue.name,
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
def content_language(code: str) -> SafeString:
    """The attributes that mark a piece of content written in `code`: `lang="ar"
    dir="rtl"`, `lang="en"`. The direction is given where it differs from the page's, so
    that an English title reads left to right on an Arabic page, and an Arabic one right
    to left on an English page."""
    right_to_left = is_right_to_left(code)
    if right_to_left == get_language_bidi():
        return format_html('lang="{}"', code)
    return format_html('lang="{}" dir="{}"', code, "rtl" if right_to_left else "ltr")


register.filter(language_name)


# Written out, not in templates: each is on every tile of a list, where a blocktranslate
# and the `time` filter were a third of what rendering a tile took.


@register.filter
def views_line(count: int) -> SafeString:
    """ "1,234 views", in the reader's language (its number grouped as humanize's intcomma
    groups it). Also filled in on every view of a kept session page."""
    views = number_format(count, force_grouping=True)
    return escape(ngettext("%(views)s view", "%(views)s views", count) % {"views": views})


@register.filter
def hours_minutes(moment) -> str:
    """A time of day on the 24-hour clock, "09:30", as `|time:"H:i"` writes it in every
    language."""
    return moment.strftime("%H:%M") if moment is not None else ""


@register.filter
def clock(length) -> str:
    """A length of time as a clock shows it: "1:02:05", "45:10"."""
    if length is None:
        return ""
    minutes, seconds = divmod(int(length.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
