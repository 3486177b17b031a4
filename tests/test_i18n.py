"""The interface in the six languages of the United Nations (English, Spanish, French,
Arabic, Chinese and Russian): every public page, the editors' admin, the language
switcher, dates and numbers in the reader's language, Arabic right to left, and
catalogues with nothing left untranslated.

The catalogue's content (titles, descriptions, names) stays in its own language, so the
pages here are built from content that holds none of the interface's English words:
whatever English such a page shows in another language is an untranslated string.
"""

import datetime
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import formats, translation
from django.utils.html import strip_tags

from tests.factories import (
    DailyViewsFactory,
    EditorFactory,
    EnablerFactory,
    MeetingFactory,
    ObjectiveFactory,
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    TranscriptFactory,
    VenueFactory,
    annual_meeting_at,
)
from tests.page_parsing import visible_text
from tests.sessions.admin.test_admin import session_form

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "fr", "ar", "zh-hans", "ru")

# English interface strings, from the templates and the filter form. None may show on a
# page in Spanish or French; each is matched as whole words, case included.
KNOWN_ENGLISH = [
    "Skip to content", "Search sessions", "Years", "Venues", "Strategies", "Speakers",
    "Tags", "Search", "Language", "Change language", "The public memory", "Page not found",
    "There is no page", "Browse and search all sessions", "Related Sessions",
    "No related sessions", "views", "view", "Add to calendar", "Read the transcript",
    "This session on the IGF website", "Strategies presented", "Objectives", "Enablers",
    "marks the objectives", "The latest meeting", "Most viewed", "Browse the catalogue",
    "By year", "By venue", "By type", "By topic", "By strategy", "Show sessions",
    "Newest first", "Oldest first", "Title, A to Z", "Relevance", "Any year", "Any venue",
    "Any session type", "Any topic", "Any strategy", "Any stakeholder group", "Sort by",
    "Sort", "Year", "Venue", "Topic", "Strategy", "Stakeholder group", "Session type",
    "Search titles", "Download", "add them to a calendar", "Filter, search and sort",
    "Host of", "That year's programme", "Sessions of", "Sessions in", "Sessions tagged",
    "Every tag", "Regional group", "Biography", "presented at", "Presented at",
    "Back to the session", "Views per month", "Views over the last", "Month",
    "Every year with sessions", "Where the annual meetings", "The subjects editors",
    "Policy strategies", "The people who", "Search names", "Take the programme",
    "by day and then topic", "Previous", "Next", "Government", "Speaker", "Organiser",
    "Moderator", "showing", "in the last", "held", "the 10th IGF", "ignored", "Remove",
    "There is no such", "There are no sessions", "No sessions match", "Try the same search",
    "Search every session", "Clear all filters", "remove this filter", "Filters in use",
    "A Workshop", "IGF Session Catalogue", "Every session of", "Draft", "Meetings",
    "Meeting", "Every meeting", "The latest meetings", "Annual IGF", "Youth IGF",
    "Kind of meeting", "Any meeting", "Any kind of meeting", "Meetings held here",
    "Overarching theme", "own website", "This session", "Breadcrumbs", "Home",
    "That is not a kind of meeting", "There is no such meeting", "The 10th IGF",
]  # fmt: skip
# Words French writes as English does.
SAME_IN_FRENCH = {"Sessions", "Session", "Participants", "Page", "Type", "Site", "Rapporteur"}


def html_tag(language: str) -> str:
    """The page's opening tag in `language`: Arabic's reads right to left."""
    return (
        f'<html lang="{language}" dir="rtl">' if language == "ar" else f'<html lang="{language}">'
    )


def locale_of(language: str) -> str:
    """The folder of the language's catalogue: zh_Hans for zh-hans."""
    return translation.to_locale(language)


SPANISH_DATE = "12 de noviembre de 2015"
FRENCH_DATE = "12 novembre 2015"
ENGLISH_DATE = "12 November 2015"


@pytest.fixture
def catalogue():
    """A session with everything its pages can show, in content words that are no
    interface words: Latin titles, made-up names."""
    venue = annual_meeting_at(
        VenueFactory(city="Quito", country="Ecuador"),
        number=10,
        start=datetime.date(2015, 11, 10),
        end=datetime.date(2015, 11, 13),
    )
    kind, theme = SessionTypeFactory(name="Xylo"), TopicFactory(name="Zygo")
    strategy = StrategyFactory(name="Plan Lorem", country="Ecuador", year=2013)
    objective = ObjectiveFactory(strategy=strategy, name="Alfa uno")
    enabler = EnablerFactory(strategy=strategy, name="Beta dos")
    tag = TagFactory(name="Kappa")
    neighbour = SessionFactory(
        title="Sit amet consectetur",
        type=kind,
        topic=theme,
        venue=venue,
        description="<p>Sit amet.</p>",
        views=1127,
    )
    session = SessionFactory(
        title="Lorem ipsum dolor",
        date=datetime.date(2015, 11, 12),
        type=kind,
        topic=theme,
        venue=venue,
        description="<p>Lorem ipsum dolor.</p>",
        url="https://www.intgovforum.org/lorem",
        views=41,
        strategies=[strategy],
        objectives=[objective],
        enablers=[enabler],
        related=[neighbour],
        tags=[tag],
    )
    speaker = SpeakerFactory(name="Ana Zed", organisation="Quux")
    ParticipantFactory(session=session, speaker=speaker)
    ParticipantFactory(session=session, speaker=SpeakerFactory(name="Olo Pix", organisation="Quux"))
    TranscriptFactory(session=session, text="Lorem ipsum dolor sit amet.")
    DailyViewsFactory(session=session, views=3)
    youth = MeetingFactory(
        name="Juvenes Quito 2015",
        kind="youth",
        venue=venue,
        start_date=datetime.date(2015, 11, 9),
        end_date=datetime.date(2015, 11, 9),
        theme="Lorem ipsum",
        website="https://example.org/lorem",
    )
    youth_session = SessionFactory(
        title="Dolor sit",
        date=datetime.date(2015, 11, 9),
        type=kind,
        topic=theme,
        meeting=youth,
        description="<p>Dolor sit.</p>",
    )
    return {
        "session": session,
        "youth_session": youth_session,
        "venue": venue,
        "speaker": speaker,
        "tag": tag,
        "strategy": strategy,
    }


def public_pages(catalogue) -> dict[str, str]:
    session = catalogue["session"]
    return {
        "home": "/",
        "session list": "/sessions/",
        "filtered list": "/sessions/?year=2015&type=xylo&topic=zygo&sort=title",
        "list with invalid filters": "/sessions/?year=1901&venue=nowhere&sort=bogus",
        "search": "/sessions/?q=lorem",
        "search without results": "/sessions/?q=zzzz&year=2015",
        "session": session.get_absolute_url(),
        "transcript": f"{session.get_absolute_url()}transcript/",
        "meetings": "/meetings/",
        "meeting": catalogue["session"].meeting.get_absolute_url(),
        "youth meeting": catalogue["youth_session"].meeting.get_absolute_url(),
        "session at a youth meeting": catalogue["youth_session"].get_absolute_url(),
        "list of a kind of meeting": "/sessions/?kind=youth&meeting=nowhere",
        "venues": "/venues/",
        "venue": catalogue["venue"].get_absolute_url(),
        "years": "/years/",
        "year": "/years/2015/",
        "speakers": "/speakers/",
        "speaker": catalogue["speaker"].get_absolute_url(),
        "tags": "/tags/",
        "tag": catalogue["tag"].get_absolute_url(),
        "strategies": "/strategies/",
        "strategy": catalogue["strategy"].get_absolute_url(),
        "not found": "/no-such-page/",
    }


def interface_text(content: str) -> str:
    """What a reader (or a screen reader) is told: the visible text, the title, labels and
    descriptions in attributes; without data blocks, which machines read."""
    content = re.sub(r"<script\b.*?</script>", " ", content, flags=re.S)
    attributes = re.findall(r'\b(?:aria-label|title|alt|placeholder|content)="([^"]*)"', content)
    return " ".join([visible_text(content), *(html.unescape(value) for value in attributes)])


def english_left_in(text: str, language: str) -> list[str]:
    return [
        known
        for known in KNOWN_ENGLISH
        if not (language == "fr" and known in SAME_IN_FRENCH)
        and re.search(rf"(?<!\w){re.escape(known)}(?!\w)", text)
    ]


def text_keeping_no_break_spaces(markup: str) -> str:
    """The text of `markup` with its no-break spaces, which visible_text makes plain ones."""
    return re.sub(r"[ \t\n]+", " ", html.unescape(strip_tags(markup)))


def get(client, url: str, language: str | None = None):
    headers = {"accept-language": language} if language else {}
    return client.get(url, headers=headers)


def test_every_public_page_shows_english_interface_strings_in_english(client, catalogue):
    """The check below is only worth something if English pages do show those strings."""
    for name, url in public_pages(catalogue).items():
        response = get(client, url)
        content = response.content.decode()
        assert '<html lang="en">' in content, name
        assert english_left_in(interface_text(content), "en"), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_wholly_in_the_readers_language(client, catalogue, language):
    for name, url in public_pages(catalogue).items():
        response = get(client, url, language)
        assert response.status_code == (404 if name == "not found" else 200), name
        content = response.content.decode()
        assert html_tag(language) in content, name
        assert response["Content-Language"] == language, name
        assert english_left_in(interface_text(content), language) == [], name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", ["Sedes", "Ponentes", "Etiquetas", "Buscar sesiones", "Explorar el catálogo"]),
        ("fr", ["Lieux", "Intervenants", "Mots-clés", "Rechercher des sessions", "Parcourir"]),
        ("ar", ["أماكن الانعقاد", "المتحدثون", "الوسوم", "البحث في الجلسات", "تصفح الفهرس"]),
        ("zh-hans", ["举办地", "发言人", "标签", "搜索会议场次", "浏览目录"]),
        ("ru", ["Места проведения", "Выступающие", "Теги", "Поиск сессий", "Обзор каталога"]),
        ("en", ["Venues", "Speakers", "Tags", "Search sessions", "Browse the catalogue"]),
    ],
)  # fmt: skip
def test_home_page_speaks_the_language_the_browser_asks_for(client, catalogue, language, expected):
    text = interface_text(get(client, "/", f"{language},en;q=0.5").content.decode())
    for phrase in expected:
        assert phrase in text


@pytest.mark.parametrize(
    ("language", "heading", "views", "date"),
    [
        ("en", "Related Sessions", "1,127 views", ENGLISH_DATE),
        ("es", "Sesiones relacionadas", "1{sep}127 visitas", SPANISH_DATE),
        ("fr", "Sessions connexes", "1{sep}127 vues", FRENCH_DATE),
        ("ar", "الجلسات ذات الصلة", "1,127 مشاهدة", "12 نوفمبر، 2015"),
        ("zh-hans", "相关会议场次", "1,127次浏览", "2015年11月12日"),
        ("ru", "Связанные сессии", "1{sep}127 просмотров", "12 ноября 2015 г."),
    ],
)
def test_session_page_dates_and_view_counts_in_the_readers_language(
    client, catalogue, language, heading, views, date
):
    content = get(client, catalogue["session"].get_absolute_url(), language).content.decode()
    with translation.override(language):
        separator = formats.get_format("THOUSAND_SEPARATOR")
    related = re.search(r'<section class="related".*?</section>', content, re.S).group(0)
    assert heading in visible_text(related)
    # The related session's line: "{date} | {N} views".
    assert f"{date} | {views.format(sep=separator)}" in text_keeping_no_break_spaces(related)
    header_line = re.search(r'<p class="header-line">(.*?)</p>', content, re.S).group(1)
    assert visible_text(header_line).startswith(f"{date} - ")
    assert '<time datetime="2015-11-12">' in header_line


def test_spanish_header_line_reads_as_spanish_with_the_content_names_as_they_are(client, catalogue):
    content = get(client, catalogue["session"].get_absolute_url(), "es").content.decode()
    header_line = re.search(r'<p class="header-line">(.*?)</p>', content, re.S).group(1)
    assert visible_text(header_line) == f"{SPANISH_DATE} - Xylo sobre Zygo en Quito, Ecuador"


def test_french_thousands_separator_is_djangos(client, catalogue):
    with translation.override("fr"):
        separator = formats.get_format("THOUSAND_SEPARATOR")
    assert separator.isspace() and separator != " "  # a no-break space, never a plain one
    tile_views = get(client, "/sessions/?sort=-views", "fr").content.decode()
    assert f"1{separator}127 vues" in html.unescape(tile_views)


def test_meeting_dates_in_the_readers_language(client, catalogue):
    venue_url = catalogue["venue"].get_absolute_url()
    assert "10–13 de noviembre de 2015" in visible_text(
        get(client, venue_url, "es").content.decode()
    )
    assert "10–13 novembre 2015" in visible_text(get(client, venue_url, "fr").content.decode())
    assert "2015年11月10日 – 11月13日" in visible_text(
        get(client, venue_url, "zh-hans").content.decode()
    )
    assert "10–13 ноября 2015 г." in visible_text(get(client, venue_url, "ru").content.decode())
    year = visible_text(get(client, "/years/2015/", "es").content.decode())
    assert "jueves 12 de noviembre de 2015" in year


def test_content_keeps_its_own_language_and_says_so(client, catalogue):
    session = catalogue["session"]
    content = get(client, session.get_absolute_url(), "fr").content.decode()
    assert '<h1 lang="en">Lorem ipsum dolor</h1>' in content
    assert '<div class="description" lang="en"><p>Lorem ipsum dolor.</p></div>' in content
    transcript = get(client, f"{session.get_absolute_url()}transcript/", "fr").content.decode()
    assert re.search(r'<section class="transcript" lang="en"', transcript)
    assert re.search(r'<h2 id="transcript-1" lang="fr">Transcription</h2>', transcript)


def test_pages_vary_by_language_and_cookie_and_urls_carry_no_language(client, catalogue):
    response = get(client, catalogue["session"].get_absolute_url(), "es")
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert not response.cookies  # an anonymous reader still gets no cookie
    assert get(client, "/es/").status_code == 404


def test_one_languages_cached_page_is_never_served_in_another(client, catalogue):
    url = catalogue["venue"].get_absolute_url()
    english = get(client, url, "en")
    assert '<html lang="en">' in english.content.decode()
    spanish = get(client, url, "es")
    assert '<html lang="es">' in spanish.content.decode()
    assert '<html lang="fr">' in get(client, url, "fr").content.decode()
    for language in ("ar", "zh-hans", "ru"):
        assert html_tag(language) in get(client, url, language).content.decode()
    if english.has_header("ETag"):
        # A validator of the English page does not stand for the Spanish one.
        revalidated = client.get(
            url, headers={"accept-language": "es", "if-none-match": english["ETag"]}
        )
        assert revalidated.status_code == 200
        assert '<html lang="es">' in revalidated.content.decode()


def test_an_address_may_name_its_language_for_whoever_has_not_chosen_one(client, catalogue):
    """?lang= is what search engines are pointed to (they send no cookie, and seldom a
    language); the visitor's own choice in the switcher still comes first."""
    url = catalogue["venue"].get_absolute_url()
    assert html_tag("ar") in get(client, f"{url}?lang=ar", "es").content.decode()
    assert html_tag("zh-hans") in get(client, f"{url}?lang=ZH-Hans").content.decode()
    assert html_tag("es") in get(client, f"{url}?lang=xx", "es").content.decode()
    assert html_tag("es") in get(client, f"{url}?lang=<b>", "es").content.decode()
    # The same address without it is not served from the Arabic page kept.
    assert html_tag("en") in get(client, url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert html_tag("fr") in get(client, f"{url}?lang=ar").content.decode()


def test_each_page_names_its_address_in_every_language(client, catalogue):
    content = get(client, "/sessions/?year=2015&sort=title&lang=ru").content.decode()
    head = content.split("</head>")[0]
    links = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', head))
    base = "http://testserver/sessions/?year=2015"
    assert links == {
        "en": f"{base}&amp;lang=en", "es": f"{base}&amp;lang=es", "fr": f"{base}&amp;lang=fr",
        "ar": f"{base}&amp;lang=ar", "zh-hans": f"{base}&amp;lang=zh-hans",
        "ru": f"{base}&amp;lang=ru", "x-default": base,
    }  # fmt: skip
    assert f'<link rel="canonical" href="{base}&amp;lang=ru">' in head
    plain = get(client, "/sessions/?year=2015").content.decode()
    assert f'<link rel="canonical" href="{base}">' in plain


def test_the_api_speaks_english_whatever_the_browser_asks(client, catalogue):
    response = client.get("/api/sessions/?year=abc&lang=fr", headers={"accept-language": "fr"})
    assert response.status_code == 400
    assert "Cookie" not in response.get("Vary", "")
    assert "Accept-Language" not in response.get("Vary", "")


def test_language_switcher_is_a_labelled_form_that_works_without_script(client, catalogue):
    content = get(client, "/venues/").content.decode()
    form = re.search(r'<form class="language-switcher"[^>]*>(.*?)</form>', content, re.S)
    assert form, "no language switcher"
    assert 'action="/i18n/setlang/"' in form.group(0) and 'method="post"' in form.group(0)
    assert '<input type="hidden" name="next" value="/venues/">' in form.group(1)
    label = re.search(r'<label for="([^"]+)"[^>]*>Language</label>', form.group(1))
    assert label and f'<select id="{label.group(1)}" name="language">' in form.group(1)
    options = re.findall(
        r'<option value="([\w-]+)" lang="[\w-]+"( selected)?>([^<]+)</option>', form.group(1)
    )
    # Each language in its own name and script.
    assert options == [
        ("en", " selected", "English"),
        ("es", "", "Español"),
        ("fr", "", "Français"),
        ("ar", "", "العربيّة"),
        ("zh-hans", "", "简体中文"),
        ("ru", "", "Русский"),
    ]
    assert re.search(r'<button type="submit">[^<]+</button>', form.group(1))


def test_choosing_a_language_keeps_the_address_and_sticks(client, catalogue):
    url = catalogue["venue"].get_absolute_url()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url)  # no Accept-Language: the choice alone
    content = page.content.decode()
    assert '<html lang="fr">' in content
    assert "Lieux" in visible_text(content)
    assert re.search(r'<option value="fr" lang="fr" selected>', content)
    # The choice outweighs the browser's language, and can be changed back.
    assert '<html lang="fr">' in get(client, url, "es").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert '<html lang="en">' in client.get(url).content.decode()


def test_an_unknown_language_leaves_english(client, catalogue):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
    assert '<html lang="en">' in get(client, "/", "de-DE,de;q=0.9").content.decode()


def test_filter_messages_and_choices_are_translated(client, catalogue):
    content = get(client, "/sessions/?year=1901&sort=bogus", "es").content.decode()
    text = interface_text(content)
    assert "No hay sesiones en ese año." in text
    assert "Cualquier sede" in text
    assert "Más recientes primero" in text
    speaker = get(client, catalogue["speaker"].get_absolute_url(), "fr").content.decode()
    assert "Gouvernement" in visible_text(speaker)


# The editors' admin

# English labels, help texts and model names the session's admin pages show. Each is
# matched as whole words, case included, as KNOWN_ENGLISH is.
ADMIN_KNOWN_ENGLISH = [
    "Session type", "Related sessions", "Daily views", "Official page", "Start time",
    "End time", "Published at", "Created at", "Updated at", "Title", "Key", "Venue", "Topic",
    "Tags", "Status", "Views", "Strategies", "Objectives", "Enablers", "Participants",
    "Speaker", "Role", "Order", "Language", "Transcript", "Transcripts", "Session types",
    "Topics", "Venues", "Speakers", "When and where", "Publication", "Stable external id",
    "HTML is allowed and sanitised", "The session on the IGF website",
    "Sessions linked by hand", "of the session's strategies that it discusses",
    "Language code", "Publish selected sessions", "Draft",
]  # fmt: skip
# Labels French writes as English does.
ADMIN_SAME_IN_FRENCH = {"Participants", "Publication"}

# A few field labels of the session's form, by field name, as each language shows them.
SESSION_FORM_LABELS = {
    "en": {
        "type": "Session type",
        "related": "Related sessions",
        "url": "Official page",
        "start_time": "Start time",
        "status": "Status",
    },
    "es": {
        "type": "Tipo de sesión",
        "related": "Sesiones relacionadas",
        "url": "Página oficial",
        "start_time": "Hora de inicio",
        "status": "Estado",
    },
    "fr": {
        "type": "Type de session",
        "related": "Sessions connexes",
        "url": "Page officielle",
        "start_time": "Heure de début",
        "status": "Statut",
    },
    "ar": {
        "type": "نوع الجلسة",
        "related": "الجلسات ذات الصلة",
        "url": "الصفحة الرسمية",
        "start_time": "وقت البدء",
        "status": "الحالة",
    },
    "zh-hans": {
        "type": "会议场次类型",
        "related": "相关会议场次",
        "url": "官方网页",
        "start_time": "开始时间",
        "status": "状态",
    },
    "ru": {
        "type": "Тип сессии",
        "related": "Связанные сессии",
        "url": "Официальная страница",
        "start_time": "Время начала",
        "status": "Статус",
    },
}
# Some of the session list's column headings, by field name.
SESSION_LIST_HEADINGS = {
    "en": {"status": "Status", "views": "Views", "meeting": "Meeting"},
    "es": {"status": "Estado", "views": "Visitas", "meeting": "Reunión"},
    "fr": {"status": "Statut", "views": "Vues", "meeting": "Réunion"},
    "ar": {"status": "الحالة", "views": "المشاهدات", "meeting": "اجتماع"},
    "zh-hans": {"status": "状态", "views": "浏览量", "meeting": "会议"},
    "ru": {"status": "Статус", "views": "Просмотры", "meeting": "Совещание"},
}
DAILY_VIEWS_IN_THE_MENU = {
    "en": "Daily views",
    "es": "Visitas diarias",
    "fr": "Vues quotidiennes",
    "ar": "المشاهدات اليومية",
    "zh-hans": "每日浏览量",
    "ru": "Ежедневные просмотры",
}


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def session_admin_pages(catalogue) -> dict[str, str]:
    return {
        "change form": f"/admin/catalogue/session/{catalogue['session'].pk}/change/",
        "changelist": "/admin/catalogue/session/",
    }


def english_left_in_admin(text: str, language: str) -> list[str]:
    return [
        known
        for known in ADMIN_KNOWN_ENGLISH
        if not (language == "fr" and known in ADMIN_SAME_IN_FRENCH)
        and re.search(rf"(?<!\w){re.escape(known)}(?!\w)", text)
    ]


def form_labels(content: str) -> dict[str, str]:
    """Each form field's label by field name, without the suffix (":", " :" in French, "："
    in Chinese)."""
    return {
        name: visible_text(label).rstrip(":：").strip()
        for name, label in re.findall(r'<label[^>]*\bfor="id_(\w+)"[^>]*>(.*?)</label>', content)
    }


def column_headings(content: str) -> dict[str, str]:
    """The changelist's column headings by field name."""
    return {
        name: visible_text(heading)
        for name, heading in re.findall(
            r'<th scope="col" class="[^"]*\bcolumn-(\w+)\b[^"]*">.*?<div class="text">(.*?)</div>',
            content,
            re.S,
        )
    }


def test_session_admin_pages_show_english_labels_in_english(editor_client, catalogue):
    """The checks below are only worth something if English pages do show those strings."""
    for name, url in session_admin_pages(catalogue).items():
        response = get(editor_client, url, "en")
        assert response.status_code == 200, name
        assert english_left_in_admin(interface_text(response.content.decode()), "en"), name


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_session_admin_labels_speak_the_editors_language(editor_client, catalogue, language):
    pages = session_admin_pages(catalogue)
    change_form = get(editor_client, pages["change form"], language).content.decode()
    assert form_labels(change_form).items() >= SESSION_FORM_LABELS[language].items()
    changelist = get(editor_client, pages["changelist"], language).content.decode()
    assert column_headings(changelist).items() >= SESSION_LIST_HEADINGS[language].items()
    for content in (change_form, changelist):
        assert DAILY_VIEWS_IN_THE_MENU[language] in visible_text(content)


@pytest.mark.parametrize("language", LANGUAGES)
def test_session_admin_pages_are_wholly_in_the_editors_language(editor_client, catalogue, language):
    for name, url in session_admin_pages(catalogue).items():
        response = get(editor_client, url, language)
        assert response.status_code == 200, name
        content = response.content.decode()
        assert f'<html lang="{language}"' in content, name
        if language == "ar":
            assert 'dir="rtl"' in content.split(">", 2)[1], name
        assert english_left_in_admin(interface_text(content), language) == [], name


def test_the_language_chosen_on_the_site_is_the_admins_too(editor_client, catalogue):
    """The language cookie the site's switcher sets outweighs the browser's language."""
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    url = session_admin_pages(catalogue)["change form"]
    content = get(editor_client, url, "es").content.decode()
    assert form_labels(content).items() >= SESSION_FORM_LABELS["fr"].items()


def test_session_form_errors_speak_the_editors_language(editor_client, catalogue):
    session = catalogue["session"]
    url = session_admin_pages(catalogue)["change form"]
    response = editor_client.post(
        url, session_form(session, related=[session.pk]), headers={"accept-language": "es"}
    )
    assert response.context["adminform"].form.errors["related"] == [
        "Una sesión no puede estar relacionada consigo misma."
    ]


# The catalogues


def untranslated_entries(po: Path) -> str:
    """The entries of `po` with no translation or only a fuzzy one, as gettext prints them."""
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return untranslated + fuzzy


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="needs gettext")
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_entry_translated_and_well_formed(language):
    po = PROJECT / "locale" / locale_of(language) / "LC_MESSAGES" / "django.po"
    assert untranslated_entries(po) == ""
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext")
def test_no_interface_string_in_the_code_is_missing_from_the_catalogues(tmp_path, monkeypatch):
    """makemessages over a copy of the code finds nothing the catalogues do not translate."""
    for part in ("igf_catalogue", "sessions", "strategies", "templates", "locale"):
        shutil.copytree(
            PROJECT / part, tmp_path / part, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
        )
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=[locale_of(each) for each in LANGUAGES], verbosity=0)
    for language in LANGUAGES:
        po = tmp_path / "locale" / locale_of(language) / "LC_MESSAGES" / "django.po"
        assert untranslated_entries(po) == "", f"{language}: run makemessages and translate these"
