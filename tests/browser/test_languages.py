"""The interface in the six languages of the United Nations, as visitors see it: every
page answers in the language their browser asks for, Arabic pages are mirrored and pass
axe, the header's parts keep clear of one another in every script, and content written
in another language than the interface's reads in its own direction."""

import pytest
from django.conf import settings

from sessions.models import Session
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    PHONE_WIDTH,
    SCREENSHOTS_DIR,
    WIDTHS,
    describe_violations,
    has_horizontal_scroll,
    run_axe,
)
from tests.browser.pages import THE_MEXICO_SESSION, public_pages

pytestmark = pytest.mark.browser

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RIGHT_TO_LEFT = {"ar"}
# What a visitor's browser asks for, set up in each language: its locale, which is also
# the Accept-Language header it sends ("zh-CN" for simplified Chinese, as browsers in
# China send; Django's fallbacks take it to zh-hans).
BROWSER_LOCALES = {
    "en": "en-GB",
    "es": "es-ES",
    "fr": "fr-FR",
    "ar": "ar",
    "zh-hans": "zh-CN",
    "ru": "ru-RU",
}
ENGLISH_NAV = ["Sessions", "Meetings", "Years", "Venues", "Strategies", "Speakers", "Tags"]
SCREENSHOT_PAGES = ("home", "list", "session")
# The header's parts, which must never overlap, at any width, in any language.
HEADER_PARTS = {
    "site name": ".site-header .site-name",
    "nav": ".site-header nav",
    "search form": ".site-header .site-search",
    "language switcher": ".site-header .language-switcher",
}
# What is inside them, which must not overlap either (a label over its field, a link
# over the next).
HEADER_CONTROLS = (
    ".site-name a, .site-header nav a, .site-search label, .site-search input, "
    ".site-search button, .language-switcher select, .language-switcher button"
)
# How far (px) the site name's distance from the right edge in Arabic may be from its
# distance from the left edge in English: rounding of text widths, nothing more.
MIRROR_TOLERANCE = 2
AN_ARABIC_TITLE = "الاستراتيجية الرقمية الوطنية ونموذج أصحاب المصلحة المتعددين"
AN_ARABIC_DESCRIPTION = (
    "<p>جلسة عن دور الحكومات والمجتمع المدني والقطاع الخاص في حوكمة الإنترنت، "
    "مع أمثلة من عام 2024.</p>"
)


def open_in(new_context, language: str, **options):
    """A browser context set up in `language`, as a visitor's would be: its locale and
    Accept-Language say `language`, and no language cookie has been set yet."""
    return new_context(locale=BROWSER_LOCALES[language], **options)


def html_attributes(page) -> dict:
    return page.evaluate(
        "({lang: document.documentElement.getAttribute('lang'),"
        " dir: document.documentElement.getAttribute('dir'),"
        " direction: getComputedStyle(document.documentElement).direction})"
    )


def box(page, selector: str) -> dict:
    """The border box of the first element matching `selector`, from the window's top left
    corner (the tests never scroll before measuring)."""
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def overlapping(boxes: dict[str, dict], slack: float = 0.5) -> list[tuple[str, str]]:
    """The pairs of named boxes that intersect (by more than `slack` pixels each way)."""
    names = list(boxes)
    pairs = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = boxes[first], boxes[second]
            across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            if across > slack and down > slack:
                pairs.append((first, second))
    return pairs


def header_problems(page) -> list[str]:
    """What is wrong with the header as laid out now: parts or controls that overlap, or
    that stick out of the window."""
    problems = []
    parts = {name: box(page, selector) for name, selector in HEADER_PARTS.items()}
    problems += [f"{a} overlaps {b}: {parts[a]} {parts[b]}" for a, b in overlapping(parts)]
    controls = page.locator(HEADER_CONTROLS).evaluate_all(
        """els => els
            .map(el => {
                const r = el.getBoundingClientRect();
                const label = el.matches('input, select') ? el.name : el.textContent;
                const name = `${el.tagName.toLowerCase()} "${label.trim().slice(0, 30)}"`;
                return [name, {x: r.x, y: r.y + scrollY, width: r.width, height: r.height}];
            })
            // the switcher's label is for screen readers only: a 1px clipped box
            .filter(([, r]) => r.width > 1 && r.height > 1)"""
    )
    control_boxes = {}
    for name, rectangle in controls:
        while name in control_boxes:
            name += "'"
        control_boxes[name] = rectangle
    problems += [
        f"{a} overlaps {b}: {control_boxes[a]} {control_boxes[b]}"
        for a, b in overlapping(control_boxes)
    ]
    width = page.evaluate("document.documentElement.clientWidth")
    for name, rectangle in {**parts, **control_boxes}.items():
        if rectangle["x"] < -0.5 or rectangle["x"] + rectangle["width"] > width + 0.5:
            problems.append(f"{name} sticks out of the {width}px window: {rectangle}")
    return problems


def site_name_margins(page) -> tuple[float, float]:
    """The site name's distance from the window's left edge and from its right edge."""
    name = box(page, ".site-header .site-name a")
    width = page.evaluate("document.documentElement.clientWidth")
    return name["x"], width - (name["x"] + name["width"])


def nav_runs_right_to_left(page) -> bool | None:
    """Whether the first two links of the main navigation, on one line, run right to left
    (None when they sit on different lines)."""
    first, second = (page.locator(".site-header nav li").nth(n).bounding_box() for n in (0, 1))
    if abs(first["y"] - second["y"]) > 1:
        return None
    return second["x"] + second["width"] <= first["x"] + 0.5


# 1. Every page in every language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_answers_in_the_language_the_browser_asks_for(
    site, new_context, language, record_property
):
    page = open_in(new_context, language, width=PHONE_WIDTH, height=640).new_page()
    problems = []
    pages = public_pages()
    for name, path in pages.items():
        response = page.goto(site + path)
        expected_status = 404 if name == "not found" else 200
        if response.status != expected_status:
            problems.append(f"{name} ({path}): status {response.status}")
            continue
        html = html_attributes(page)
        if html["lang"] != language:
            problems.append(f"{name} ({path}): <html lang={html['lang']!r}>")
        expected_dir = "rtl" if language in RIGHT_TO_LEFT else None
        if html["dir"] != expected_dir or html["direction"] != (expected_dir or "ltr"):
            problems.append(
                f"{name} ({path}): <html dir={html['dir']!r}>, direction {html['direction']}"
            )
        chosen = page.locator("#language-switcher-language").input_value()
        if chosen != language:
            problems.append(f"{name} ({path}): the language switcher shows {chosen!r}")
        nav = [text.strip() for text in page.locator(".site-header nav a").all_inner_texts()]
        if (nav == ENGLISH_NAV) != (language == "en"):
            problems.append(f"{name} ({path}): the navigation reads {nav}")
        if has_horizontal_scroll(page):
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            problems.append(f"{name} ({path}): {scroll_width}px wide at {PHONE_WIDTH}px")
    record_property("summary", f"{len(pages)} pages in {language}: {len(problems)} problems")
    assert problems == [], "\n".join(problems)


def test_one_address_shows_each_visitor_their_own_language_and_the_switcher_changes_it(
    site, new_context
):
    # The same page, kept in the page cache once rendered, for three visitors in turn.
    seen = {}
    for language in ("en", "ar", "zh-hans"):
        page = open_in(new_context, language).new_page()
        page.goto(site + "/sessions/")
        seen[language] = html_attributes(page)["lang"]
    assert seen == {"en": "en", "ar": "ar", "zh-hans": "zh-hans"}

    # An English browser; its visitor picks Arabic in the switcher.
    page = open_in(new_context, "en").new_page()
    page.goto(site + "/sessions/")
    page.locator("#language-switcher-language").select_option("ar")
    page.locator(".language-switcher button").click()
    page.wait_for_function("document.documentElement.lang === 'ar'")
    assert html_attributes(page) == {"lang": "ar", "dir": "rtl", "direction": "rtl"}
    assert page.url.endswith("/sessions/")
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == "ar"
    # The choice outlasts the browser's own language, on every page.
    page.goto(site + "/meetings/")
    assert html_attributes(page)["lang"] == "ar"


# 2. axe in Arabic and Chinese


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_every_public_page_passes_axe_in_arabic_and_chinese(
    site, new_context, language, width, record_property
):
    page = open_in(new_context, language, width=width, bypass_csp=True).new_page()
    found = {}
    pages = public_pages()
    for name, path in pages.items():
        page.goto(site + path)
        assert html_attributes(page)["lang"] == language, name
        found[name] = run_axe(page)
    results = ", ".join(f"{name} {len(violations)}" for name, violations in found.items())
    record_property("summary", f"axe WCAG 2.2 AA violations in {language} at {width}px: {results}")
    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name} ({pages[name]}) in {language} at {width}px:\n{describe_violations(violations)}"
        for name, violations in failures.items()
    )


# 3. Mirrored in Arabic, and screenshots to look at


@pytest.mark.parametrize("width", WIDTHS)
def test_arabic_pages_are_mirrored_with_a_tidy_header_and_screenshots_are_written(
    site, new_context, width, record_property
):
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    arabic = open_in(new_context, "ar", width=width).new_page()
    english = open_in(new_context, "en", width=width).new_page()
    pages = public_pages()
    problems, written = [], []
    for name in SCREENSHOT_PAGES:
        english.goto(site + pages[name])
        arabic.goto(site + pages[name])
        assert html_attributes(arabic)["dir"] == "rtl"
        path = SCREENSHOTS_DIR / f"ar-{name}-{width}.png"
        arabic.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000  # a picture of a page, not a blank one
        written.append(path.name)

        # The site name sits as far from the right edge in Arabic as it does from the
        # left in English, in the right half of the window.
        left_in_english, _ = site_name_margins(english)
        left_in_arabic, right_in_arabic = site_name_margins(arabic)
        if abs(right_in_arabic - left_in_english) > MIRROR_TOLERANCE:
            problems.append(
                f"{name}: the site name is {right_in_arabic:.0f}px from the right edge in "
                f"Arabic, {left_in_english:.0f}px from the left in English"
            )
        if right_in_arabic >= left_in_arabic:
            problems.append(f"{name}: the site name is not on the right in Arabic")
        # The navigation reads from the right.
        if nav_runs_right_to_left(arabic) is False:
            problems.append(f"{name}: the navigation runs left to right in Arabic")
        if nav_runs_right_to_left(english) is True:
            problems.append(f"{name}: the navigation runs right to left in English")
        problems += [f"{name}: {problem}" for problem in header_problems(arabic)]
        if has_horizontal_scroll(arabic):
            scroll_width = arabic.evaluate("document.documentElement.scrollWidth")
            problems.append(f"{name}: {scroll_width}px wide at {width}px")
    record_property(
        "summary", f"Arabic screenshots at {width}px in {SCREENSHOTS_DIR}: {', '.join(written)}"
    )
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_chinese_and_russian_pages_keep_a_tidy_header_and_screenshots_are_written(
    site, new_context, language, record_property
):
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page = open_in(new_context, language, width=DESKTOP_WIDTH).new_page()
    english = open_in(new_context, "en", width=DESKTOP_WIDTH).new_page()
    pages = public_pages()
    problems, written = [], []
    for name in SCREENSHOT_PAGES:
        english.goto(site + pages[name])
        page.goto(site + pages[name])
        assert html_attributes(page) == {"lang": language, "dir": None, "direction": "ltr"}
        path = SCREENSHOTS_DIR / f"{language}-{name}-{DESKTOP_WIDTH}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000
        written.append(path.name)
        left, right = site_name_margins(page)
        left_in_english, _ = site_name_margins(english)
        if abs(left - left_in_english) > MIRROR_TOLERANCE or left >= right:
            problems.append(f"{name}: the site name is {left:.0f}px from the left edge")
        problems += [f"{name}: {problem}" for problem in header_problems(page)]
        if has_horizontal_scroll(page):
            problems.append(f"{name}: wider than the {DESKTOP_WIDTH}px window")
    record_property("summary", f"{language} screenshots in {SCREENSHOTS_DIR}: {', '.join(written)}")
    assert problems == [], "\n".join(problems)


# 4. Content in its own language and direction


def direction_of(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "el => ({lang: el.getAttribute('lang'), dir: el.getAttribute('dir'),"
        " direction: getComputedStyle(el).direction, text: el.textContent.trim()})"
    )


def test_an_arabic_session_reads_right_to_left_on_the_english_interface(site, new_context):
    mexico = Session.objects.get(title=THE_MEXICO_SESSION)
    arabic_session = Session.objects.create(
        title=AN_ARABIC_TITLE,
        description=AN_ARABIC_DESCRIPTION,
        language="ar",
        date=mexico.date,
        type=mexico.type,
        topic=mexico.topic,
        meeting=mexico.meeting,
        status=Session.Status.PUBLISHED,
    )
    page = open_in(new_context, "en").new_page()
    response = page.goto(site + arabic_session.get_absolute_url())
    assert response.status == 200
    assert html_attributes(page) == {"lang": "en", "dir": None, "direction": "ltr"}
    assert direction_of(page, "main h1") == {
        "lang": "ar",
        "dir": "rtl",
        "direction": "rtl",
        "text": AN_ARABIC_TITLE,
    }
    description = direction_of(page, "main .description")
    assert (description["lang"], description["direction"]) == ("ar", "rtl")
    # The interface around it stays English, left to right.
    assert direction_of(page, ".header-line")["direction"] == "ltr"

    # The same session on the Arabic interface: Arabic in Arabic, no direction to add.
    page = open_in(new_context, "ar").new_page()
    page.goto(site + arabic_session.get_absolute_url())
    title = direction_of(page, "main h1")
    assert (title["lang"], title["direction"]) == ("ar", "rtl")


def test_an_english_session_reads_left_to_right_on_the_arabic_interface(site, new_context):
    mexico = Session.objects.get(title=THE_MEXICO_SESSION)
    assert mexico.language == "en"
    page = open_in(new_context, "ar").new_page()
    page.goto(site + mexico.get_absolute_url())
    assert html_attributes(page) == {"lang": "ar", "dir": "rtl", "direction": "rtl"}
    assert direction_of(page, "main h1") == {
        "lang": "en",
        "dir": "ltr",
        "direction": "ltr",
        "text": THE_MEXICO_SESSION,
    }
    description = direction_of(page, "main .description")
    assert (description["lang"], description["direction"]) == ("en", "ltr")
    # The interface around it stays Arabic, right to left.
    assert direction_of(page, ".header-line")["direction"] == "rtl"


def content_blocks(page) -> tuple[dict, list[dict]]:
    """The main column's content box, and the paragraphs and lists of the content marked
    with its own language (description, report, transcript), with where they are."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const box = main.getBoundingClientRect(), style = getComputedStyle(main);
            const column = {left: box.left + parseFloat(style.paddingLeft),
                            right: box.right - parseFloat(style.paddingRight)};
            const blocks = [...document.querySelectorAll(
                'main [lang]:not(h1, h2, h3, h4, a) > :is(p, ul, ol)')].map(el => {
                const r = el.getBoundingClientRect();
                const holder = el.closest('section, .description');
                return {where: `${holder ? holder.className : 'main'} ${el.tagName.toLowerCase()}`
                            + ` "${el.textContent.trim().slice(0, 40)}"`,
                        left: r.left, right: r.right};
            });
            return [column, blocks];
        }"""
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_sessions_own_text_keeps_to_one_column_on_the_pages_side(site, new_context, language):
    # At a desktop's width the text is narrower than the page: an English description,
    # report or transcript on the Arabic interface sits on the right, under the
    # headings, as every other block does, and all of it in the same column.
    page = open_in(new_context, language, width=DESKTOP_WIDTH).new_page()
    right_to_left = language in RIGHT_TO_LEFT
    problems = []
    for name in ("session", "transcript"):
        page.goto(site + public_pages()[name])
        column, blocks = content_blocks(page)
        assert blocks, f"{name}: no content marked with its language"
        for block in blocks:
            if right_to_left:
                off = column["right"] - block["right"]
                side = "right"
            else:
                off = block["left"] - column["left"]
                side = "left"
            if abs(off) > 1:
                problems.append(
                    f"{name}: {block['where']} is {off:.0f}px from the page's {side} side "
                    f"({block['left']:.0f}-{block['right']:.0f}px, the column is "
                    f"{column['left']:.0f}-{column['right']:.0f}px)"
                )
    assert problems == [], "\n".join(problems)
