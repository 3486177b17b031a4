"""Sessions in the language they were held in: imported with their language, marked with it
on their pages, and found by the words of that language.

Each session is searched from an English interface by a word of its own language as it
is written in it, on both databases; on PostgreSQL, which stems Spanish, Arabic and
Russian, also by another form of the word from an interface in that language.
"""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from sessions.models import Session
from sessions.search import refresh_search_vectors
from tests.factories import SessionFactory
from tests.page_parsing import visible_text

pytestmark = pytest.mark.django_db

SESSIONS = [
    {
        "key": "es-1",
        "language": "es",
        "title": "Gobernanza de internet y derechos digitales en América Latina",
        "description": "<p>Las comunidades indígenas y la conectividad rural.</p>",
    },
    {
        "key": "ar-1",
        "language": "ar",
        "title": "حوكمة الإنترنت في المنطقة العربية",
        "description": "<p>دور الشباب في التحول الرقمي.</p>",
    },
    {
        "key": "ru-1",
        "language": "ru",
        "title": "Управление интернетом и кибербезопасность",
        "description": "<p>Защита персональных данных в цифровой экономике.</p>",
    },
    {
        "key": "zh-1",
        "language": "zh",
        "title": "互联网治理与人工智能",
        "description": "<p>数字经济中的数据保护。</p>",
    },
    {
        "key": "en-1",
        "title": "Internet governance in small island states",
        "description": "<p>Rights of people online.</p>",
    },
]


@pytest.fixture
def imported(annual_meetings, tmp_path):
    path = tmp_path / "programme.json"
    common = {"date": "2024-12-17", "type": "Workshop", "venue": "Riyadh, Saudi Arabia"}
    records = [{**common, **session} for session in SESSIONS]
    path.write_text(json.dumps({"sessions": records}, ensure_ascii=False), encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_sessions", str(path), stdout=out, stderr=err)
    assert "warning" not in err.getvalue().lower()
    return {session.key: session for session in Session.objects.all()}


def found(client, text: str, language: str = "en") -> list[str]:
    """The keys of the sessions a search finds, with the interface in `language`."""
    response = client.get("/sessions/", {"q": text}, headers={"accept-language": language})
    assert response.status_code == 200
    titles = re.findall(r'class="session-tile-title"[^>]*>([^<]+)</a>', response.content.decode())
    by_title = {session.title: session.key for session in Session.objects.all()}
    return sorted(by_title[title] for title in titles)


def test_an_import_gives_each_session_its_language(imported):
    assert {key: session.language for key, session in imported.items()} == {
        "es-1": "es", "ar-1": "ar", "ru-1": "ru", "zh-1": "zh", "en-1": "en",
    }  # fmt: skip


def test_an_invalid_language_stops_the_import_and_says_where(annual_meetings, tmp_path):
    path = tmp_path / "programme.json"
    record = {
        "key": "x-1", "title": "Anything", "date": "2024-12-17", "type": "Workshop",
        "venue": "Riyadh, Saudi Arabia", "language": "Spanish!",
    }  # fmt: skip
    path.write_text(json.dumps([record]), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(Exception) as failure:
        call_command("import_sessions", str(path), stdout=out, stderr=err)
    said = f"{err.getvalue()}{failure.value}"
    assert 'field "language"' in said and "index 0" in said
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("key", "marks"),
    [
        ("ar-1", 'lang="ar" dir="rtl"'),
        ("zh-1", 'lang="zh"'),
        ("ru-1", 'lang="ru"'),
        ("es-1", 'lang="es"'),
    ],
)
def test_a_sessions_page_marks_its_title_and_description_with_its_language(
    client, imported, key, marks
):
    session = imported[key]
    content = client.get(session.get_absolute_url()).content.decode()
    assert f"<h1 {marks}>{session.title}</h1>" in content
    assert f'<div class="description" {marks}>' in content


def test_on_an_arabic_page_english_content_is_marked_left_to_right(client, imported):
    english = imported["en-1"]
    content = client.get(english.get_absolute_url(), headers={"accept-language": "ar"})
    page = content.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<h1 lang="en" dir="ltr">{english.title}</h1>' in page
    arabic = client.get(imported["ar-1"].get_absolute_url(), headers={"accept-language": "ar"})
    assert f'<h1 lang="ar">{imported["ar-1"].title}</h1>' in arabic.content.decode()


def test_results_mark_each_title_with_its_language(client, imported):
    content = client.get("/sessions/", {"sort": "title"}).content.decode()
    tiles = {
        title: attributes
        for attributes, title in re.findall(
            r'<a class="session-tile-title" href="[^"]+" ([^>]*)>([^<]+)</a>', content
        )
    }
    assert tiles[imported["ar-1"].title] == 'lang="ar" dir="rtl"'
    assert tiles[imported["zh-1"].title] == 'lang="zh"'
    assert tiles[imported["en-1"].title] == 'lang="en"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("conectividad", ["es-1"]),  # a word of the description
        ("gobernanza de internet", ["es-1"]),
        ("الشباب", ["ar-1"]),
        ("кибербезопасность", ["ru-1"]),
        ("人工智能", ["zh-1"]),  # characters of the title, together
        ("数据保护", ["zh-1"]),  # of the description
        ("internet governance", ["en-1"]),
    ],
)
def test_each_session_is_found_by_a_word_of_its_own_language(client, imported, text, expected):
    assert found(client, text) == expected


def test_chinese_characters_are_found_together_not_apart(client, imported):
    # 人 and 治 are both in the title, but not side by side.
    assert found(client, "人治") == []
    assert found(client, '"治理"') == ["zh-1"]


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_english_sessions_are_still_found_by_english_words_from_any_interface(
    client, imported, language
):
    assert found(client, "internet governance", language) == ["en-1"]
    assert found(client, "rights", language) == ["en-1"]


def test_a_word_left_out_leaves_out_sessions_in_every_language(client, imported):
    assert "es-1" in found(client, "internet", "es")  # found without the word left out
    assert "en-1" in found(client, "internet", "es")
    for language in ("en", "es", "ar", "ru"):
        assert "es-1" not in found(client, "internet -derechos", language), language
        assert "en-1" not in found(client, "internet -rights", language), language
    # Another form of the word, read in the interface's language: "derechos" stems alike.
    assert "es-1" not in found(client, "internet -derecho", "es")
    assert "es-1" not in found(client, 'internet -"derechos digitales"', "es")


@pytest.mark.parametrize("text", ["治理", "AI治理", "5G网络"])
def test_chinese_characters_beside_latin_letters_and_figures_are_found(client, imported, text):
    SessionFactory(title="AI治理与5G网络", language="zh-Hans")
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    titles = [Session.objects.get(key=key).title for key in found(client, text)]
    assert "AI治理与5G网络" in titles


def test_snippets_mark_the_words_found_in_each_language(client, imported):
    response = client.get("/sessions/", {"q": "conectividad"})
    snippet = re.search(r'<p class="snippet" lang="es">(.*?)</p>', response.content.decode())
    assert snippet and "<mark>conectividad</mark>" in snippet.group(1)
    response = client.get("/sessions/", {"q": "数据"})
    snippet = re.search(r'<p class="snippet" lang="zh">(.*?)</p>', response.content.decode())
    assert snippet and visible_text(snippet.group(1)).startswith("数字经济")
    assert "\u200b" not in snippet.group(1)  # the separators of its characters are not shown


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("derecho digital", "es", ["es-1"]),  # "derechos digitales"
        ("الرقمية", "ar", ["ar-1"]),  # "الرقمي"
        ("кибербезопасности", "ru", ["ru-1"]),  # "кибербезопасность"
        ("экономика", "ru", ["ru-1"]),  # "экономике"
    ],
)
def test_other_forms_of_a_word_find_it_in_the_interfaces_language(
    client, imported, text, language, expected
):
    assert found(client, text, language) == expected


@pytest.mark.postgres
def test_each_session_keeps_the_configuration_its_words_are_read_with(
    imported, django_capture_on_commit_callbacks
):
    """What a search chooses its reading of a session by, and what its indexes are split by
    (migration 0020): kept by the refresh whenever the language changes."""
    configs = dict(Session.objects.values_list("key", "search_config"))
    assert configs == {
        "es-1": "spanish", "ar-1": "arabic", "ru-1": "russian", "zh-1": "simple",
        "en-1": "english",
    }  # fmt: skip
    english = imported["en-1"]
    english.language = "pt-BR"
    with django_capture_on_commit_callbacks(execute=True):
        english.save()
    assert Session.objects.get(pk=english.pk).search_config == "portuguese"
