"""What carries a direction on a page, in a right-to-left language (Arabic) and in a
left-to-right one: the views chart's months, the year page's arrows, and the
stylesheet's sides."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import translation

from sessions.browsing.charts import SLOT_WIDTH, bar_chart
from sessions.browsing.selectors import MonthViews
from sessions.counting.visitors import today
from tests.factories import DailyViewsFactory, SessionFactory
from tests.page_parsing import links, section
from tests.sessions.counting.test_popular import BROWSER, month_starts

pytestmark = pytest.mark.django_db


def twelve_months() -> list[MonthViews]:
    return [
        MonthViews(month, views)
        for month, views in zip(month_starts(12), range(1, 13), strict=True)
    ]


# The chart as computed


@pytest.mark.parametrize(("language", "latest_is"), [("en", "rightmost"), ("ar", "leftmost")])
def test_the_latest_month_is_at_the_end_of_the_line_of_the_language(language, latest_is):
    with translation.override(language):
        chart = bar_chart(twelve_months())
    xs = [bar.x for bar in chart.bars]
    latest = chart.bars[-1]
    assert latest.month.month == today().replace(day=1)
    assert latest.x == (max(xs) if latest_is == "rightmost" else min(xs))
    assert chart.right_to_left is (language == "ar")


def test_in_arabic_the_months_run_from_right_to_left_in_the_same_slots():
    months = twelve_months()
    with translation.override("en"):
        english = bar_chart(months)
    with translation.override("ar"):
        arabic = bar_chart(months)
    # Left to right, each month a slot further right; right to left, a slot further left.
    assert [bar.x for bar in english.bars] == sorted(bar.x for bar in english.bars)
    assert [bar.x for bar in arabic.bars] == sorted((bar.x for bar in arabic.bars), reverse=True)
    # The same slots, mirrored about the middle of the chart: a month's bar, figure and
    # name move together, and nothing else changes.
    assert arabic.width == english.width
    for en_bar, ar_bar in zip(english.bars, arabic.bars, strict=True):
        assert ar_bar.month == en_bar.month
        assert ar_bar.x == english.width - en_bar.x - en_bar.width
        assert ar_bar.centre == english.width - en_bar.centre
        assert (ar_bar.y, ar_bar.height, ar_bar.figure_y) == (
            en_bar.y,
            en_bar.height,
            en_bar.figure_y,
        )
        assert ar_bar.x >= 0 and ar_bar.x + ar_bar.width <= arabic.width
    # The bars (and so the chart's first and last months) stay in time order.
    assert (arabic.first, arabic.last) == (english.first, english.last)
    assert arabic.busiest == english.busiest


def test_the_direction_can_be_asked_for_whatever_the_language():
    months = twelve_months()
    with translation.override("ar"):
        assert bar_chart(months, right_to_left=False).bars[-1].x == 11 * SLOT_WIDTH + 6
    with translation.override("en"):
        assert bar_chart(months, right_to_left=True).bars[-1].x == 6


def test_a_chart_of_one_month_or_none_is_drawn_the_same_both_ways():
    month = [MonthViews(today().replace(day=1), 3)]
    assert bar_chart(month, right_to_left=True).bars == bar_chart(month, right_to_left=False).bars
    assert bar_chart([], right_to_left=True).bars == []


# The chart as a visitor's page draws it


def bar_xs(content: str) -> list[float]:
    """The x of each bar on the page, in the page's order: the months' (time) order."""
    chart = section(content, "views-chart-heading")
    return [float(x) for x in re.findall(r'<rect class="views-chart-bar" x="([^"]+)"', chart)]


def month_label_xs(content: str) -> list[float]:
    chart = section(content, "views-chart-heading")
    return [float(x) for x in re.findall(r'<text class="views-chart-month" x="([^"]+)"', chart)]


@pytest.fixture
def viewed_session():
    session = SessionFactory(views=48)
    DailyViewsFactory(session=session, day=today(), views=40)
    DailyViewsFactory(session=session, day=month_starts(12)[0], views=8)
    return session


def page(client, session, language: str) -> str:
    response = client.get(
        session.get_absolute_url(), headers={"accept-language": language, "user-agent": BROWSER}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_an_arabic_page_draws_the_latest_month_at_the_left_and_an_english_one_at_the_right(
    client, viewed_session
):
    english = page(client, viewed_session, "en")
    assert '<html lang="en">' in english
    xs = bar_xs(english)
    assert len(xs) == 12
    assert xs == sorted(xs) and xs[-1] == max(xs)
    assert month_label_xs(english) == sorted(month_label_xs(english))

    arabic = page(client, viewed_session, "ar")
    assert '<html lang="ar" dir="rtl">' in arabic
    xs = bar_xs(arabic)
    assert len(xs) == 12
    assert xs == sorted(xs, reverse=True) and xs[-1] == min(xs)
    assert month_label_xs(arabic) == sorted(month_label_xs(arabic), reverse=True)
    # Mirrored positions, not a mirrored drawing: no transform anywhere in the chart.
    assert "transform" not in section(arabic, "views-chart-heading")


def test_each_language_keeps_its_own_chart(client, viewed_session):
    """The chart is kept for the next visitors (per catalogue version): an Arabic visitor
    after an English one, and an English one after that, each get their own."""
    english = bar_xs(page(client, viewed_session, "en"))
    arabic = bar_xs(page(client, viewed_session, "ar"))
    assert arabic == list(reversed(english))
    assert bar_xs(page(client, viewed_session, "en")) == english
    assert bar_xs(page(client, viewed_session, "ar")) == arabic


# The year page's arrows


@pytest.fixture
def three_years():
    for year in (2014, 2015, 2016):
        SessionFactory(date=datetime.date(year, 11, 10))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_year_arrows_are_marked_for_the_stylesheet_to_turn_round(client, three_years, language):
    content = client.get("/years/2015/", headers={"accept-language": language}).content.decode()
    nav = re.search(r'<nav class="year-nav"[^>]*>(.*?)</nav>', content, re.S).group(1)
    # The text reads as before ("← 2014", "2016 →"); the arrows, hidden from screen
    # readers, are the same characters in every language, only drawn the other way round.
    assert ("/years/2014/", "← 2014") in links(nav)
    assert ("/years/2016/", "2016 →") in links(nav)
    assert '<span class="arrow" aria-hidden="true">←</span> 2014</a>' in nav
    assert '2016 <span class="arrow" aria-hidden="true">→</span></a>' in nav


# The stylesheet's sides


def stylesheet() -> str:
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # without its comments


def rules(css: str, selector: str) -> list[str]:
    """The declarations of every rule whose selector is exactly `selector`."""
    return [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if " ".join(selectors.split()) == selector
    ]


PHYSICAL_SIDES = re.compile(
    r"(?<![\w-])(?:"
    r"(?:margin|padding|border)-(?:left|right)[\w-]*"  # margin-left, border-right-color
    r"|border-(?:top|bottom)-(?:left|right)-radius"
    r"|left|right"  # as properties: left: 0
    r")\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
)


def test_the_stylesheet_names_no_physical_left_or_right():
    """Sides are logical (margin-inline-start, text-align: start), so that one stylesheet
    serves both directions; a physical side needs a reason, and so a change here."""
    assert PHYSICAL_SIDES.findall(stylesheet()) == []


def test_the_stylesheet_turns_direction_bearing_marks_round_in_right_to_left():
    css = stylesheet()
    assert rules(css, '[dir="rtl"] .arrow') == [
        "\n  display: inline-block;\n  transform: scaleX(-1);\n  text-decoration: inherit;\n"
    ]
    # The breadcrumbs' separator points along the line in both directions: set apart
    # from the bidirectional algorithm (which would mirror it once more), it is named
    # for each direction.
    (separator,) = rules(css, ".breadcrumbs li + li::before")
    assert 'content: "›"' in separator and "unicode-bidi: isolate" in separator
    assert rules(css, '[dir="rtl"] .breadcrumbs li + li::before') == ['\n  content: "‹";\n']


def test_the_stylesheet_asks_for_no_web_font():
    css = stylesheet()
    assert "@font-face" not in css and "@import" not in css and "url(" not in css
    for language in ("ar", "zh"):
        screen = rules(css, f":where([lang]:lang({language}))")[0]  # then paper's leading
        assert "--font-text:" in screen and "--leading:" in screen
