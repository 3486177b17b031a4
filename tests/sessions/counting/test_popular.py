"""Popular sessions from the per-day counts, and a session's views per month as a chart."""

import datetime
import re
import time

import pytest

from sessions.browsing.charts import BAR_AREA_HEIGHT, bar_chart
from sessions.browsing.selectors import MonthViews, first_of_month_before, monthly_views
from sessions.counting.counter import record_view
from sessions.counting.popular import (
    most_viewed_sessions,
    popular_sessions_of_last_days,
    popular_sessions_since,
)
from sessions.counting.visitors import today
from sessions.models import Session
from tests.factories import DailyViewsFactory, EditorFactory, SessionFactory
from tests.page_parsing import first_element, link_texts, markup_problems, section, visible_text

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def titles(sessions) -> list[str]:
    return [session.title for session in sessions]


def viewed(title: str, per_day: dict[int, int], **kwargs) -> Session:
    """A session with `per_day` views {days ago: views}, and their sum as its total
    unless `views` says otherwise."""
    kwargs.setdefault("views", sum(per_day.values()))
    session = SessionFactory(title=title, **kwargs)
    for ago, views in per_day.items():
        DailyViewsFactory(session=session, day=days_ago(ago), views=views)
    return session


# Most viewed of all time, and of the last 7 days


def test_old_fame_leads_of_all_time_and_recent_interest_leads_this_week():
    viewed("Famous long ago", {400: 5000, 30: 200})
    viewed("Discovered this week", {0: 12, 3: 9})
    viewed("Steady", {1: 4, 10: 40, 100: 400})
    assert titles(most_viewed_sessions()) == ["Famous long ago", "Steady", "Discovered this week"]
    assert titles(popular_sessions_of_last_days()) == ["Discovered this week", "Steady"]


def test_recent_views_are_the_sum_of_the_days_in_the_window():
    viewed("Three days", {0: 2, 2: 3, 6: 4, 7: 100})
    viewed("One day", {1: 8})
    popular = popular_sessions_of_last_days()
    assert [(s.title, s.recent_views) for s in popular] == [("Three days", 9), ("One day", 8)]


@pytest.mark.parametrize(
    ("ago", "counted"), [(0, True), (1, True), (6, True), (7, False), (8, False), (365, False)]
)
def test_the_last_7_days_are_today_and_the_6_before(ago, counted):
    viewed("Viewed", {ago: 3})
    assert titles(popular_sessions_of_last_days()) == (["Viewed"] if counted else [])


def test_popular_since_a_day_includes_that_day():
    viewed("On the day", {10: 1})
    viewed("The day before", {11: 1})
    assert titles(popular_sessions_since(days_ago(10))) == ["On the day"]


def test_drafts_are_never_popular():
    viewed("Draft", {0: 1000}, status=Session.Status.DRAFT, views=1_000_000)
    viewed("Published", {0: 1})
    assert titles(popular_sessions_of_last_days()) == ["Published"]
    assert titles(most_viewed_sessions()) == ["Published"]


def test_a_row_without_views_does_not_make_a_session_popular():
    viewed("Empty row", {0: 0}, views=10)
    assert titles(popular_sessions_of_last_days()) == []


def test_ties_are_broken_the_same_way_every_time():
    # The same recent views: the most viewed of all time, then the newest, then the
    # first created.
    viewed("Fewer in all", {0: 5}, views=10)
    viewed("Older", {0: 5}, views=50, date=datetime.date(2007, 11, 12))
    first = viewed("Newer, created first", {0: 5}, views=50)
    second = viewed("Newer, created second", {0: 5}, views=50)
    assert first.pk < second.pk
    expected = ["Newer, created first", "Newer, created second", "Older", "Fewer in all"]
    assert titles(popular_sessions_of_last_days()) == expected
    assert titles(most_viewed_sessions()) == expected


def test_the_lists_stop_at_their_limit():
    for n in range(7):
        viewed(f"Session {n}", {0: n + 1})
    assert titles(popular_sessions_of_last_days()) == [f"Session {n}" for n in (6, 5, 4, 3, 2)]
    assert len(popular_sessions_of_last_days(limit=2)) == 2
    assert len(most_viewed_sessions()) == 5


def test_views_counted_today_are_popular_whatever_the_time_zone(settings):
    # Near midnight the UTC date and the site's date differ: views are counted under
    # the site's date, and the window is measured in the same days.
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    session = SessionFactory(title="Just viewed")
    record_view(session)
    record_view(session)
    assert [(s.title, s.recent_views) for s in popular_sessions_of_last_days()] == [
        ("Just viewed", 2)
    ]


def test_popular_lists_cost_one_query_each(django_assert_num_queries):
    for n in range(20):
        viewed(f"Session {n}", {n % 9: n})
    with django_assert_num_queries(2):
        popular = list(popular_sessions_of_last_days())
        most = list(most_viewed_sessions())
        # A tile shows the type, topic and venue: no query more for those.
        lines = [f"{s.type.name} {s.topic.name} {s.venue.city}" for s in popular + most]
    assert len(lines) == 10


# On the home page


def test_home_shows_the_last_7_days_with_their_views(client):
    viewed("Famous long ago", {400: 5000})
    viewed("Discovered this week", {0: 12, 3: 9}, views=30)
    content = client.get("/").content.decode()
    popular = section(content, "popular-heading")
    assert visible_text(re.search(r"<h2[^>]*>(.*?)</h2>", popular).group(1)) == (
        "Popular in the last 7 days"
    )
    assert link_texts(popular, "session-tile-title") == ["Discovered this week"]
    assert visible_text(first_element(popular, "p", "views")) == ("30 views, 21 in the last 7 days")
    most_viewed = section(content, "most-viewed-heading")
    assert link_texts(most_viewed, "session-tile-title") == [
        "Famous long ago",
        "Discovered this week",
    ]
    assert visible_text(first_element(most_viewed, "p", "views")) == "5,000 views"


def test_home_without_recent_views_has_no_popular_section(client):
    viewed("Famous long ago", {400: 5000})
    content = client.get("/").content.decode()
    assert "popular-heading" not in content
    assert "most-viewed-heading" in content


# Views per month


def month_starts(count: int) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, worked out day by day."""
    months = [today().replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
    return months


@pytest.mark.parametrize(
    ("month", "back", "expected"),
    [
        ((2025, 3, 1), 0, (2025, 3, 1)),
        ((2025, 3, 1), 2, (2025, 1, 1)),
        ((2025, 3, 1), 3, (2024, 12, 1)),
        ((2025, 1, 1), 11, (2024, 2, 1)),
        ((2025, 12, 1), 23, (2024, 1, 1)),
    ],
)
def test_months_are_counted_back_across_years(month, back, expected):
    assert first_of_month_before(datetime.date(*month), back) == datetime.date(*expected)


def test_monthly_views_are_the_last_12_months_with_their_totals(django_assert_num_queries):
    session = SessionFactory()
    months = month_starts(13)
    # This month: two days. Three months ago: three days. A year ago: left out.
    DailyViewsFactory(session=session, day=today(), views=5)
    DailyViewsFactory(session=session, day=months[-1], views=2)
    for day in (1, 10, 28):
        DailyViewsFactory(session=session, day=months[-4].replace(day=day), views=day)
    DailyViewsFactory(session=session, day=months[0], views=999)  # 12 months back
    DailyViewsFactory(day=today(), views=1000)  # another session's
    with django_assert_num_queries(1):
        found = monthly_views(session)
    expected = {months[-1]: 7, months[-4]: 39}
    assert found == [MonthViews(month=month, views=expected.get(month, 0)) for month in months[1:]]


def test_a_session_never_viewed_has_twelve_empty_months():
    found = monthly_views(SessionFactory())
    assert [month.views for month in found] == [0] * 12
    assert [month.month for month in found] == month_starts(12)


def test_the_busiest_month_is_the_full_height_and_the_others_in_proportion():
    months = month_starts(12)
    views = [0, 50, 100, 1, 0, 0, 0, 0, 0, 0, 0, 25]
    chart = bar_chart(
        [MonthViews(month, count) for month, count in zip(months, views, strict=True)]
    )
    assert len(chart.bars) == 12
    assert [bar.height for bar in chart.bars] == [
        0, 50, 100, 1, 0, 0, 0, 0, 0, 0, 0, 25,
    ]  # fmt: skip
    for bar in chart.bars:
        assert bar.y + bar.height == chart.baseline
        assert bar.x >= 0
        assert bar.x + bar.width <= chart.width
    assert chart.total == 176
    assert chart.busiest == MonthViews(months[2], 100)


def test_a_month_with_a_few_views_beside_a_busy_one_still_shows():
    months = month_starts(2)
    chart = bar_chart([MonthViews(months[0], 1), MonthViews(months[1], 100_000)])
    assert chart.bars[0].height == 1
    assert chart.bars[1].height == BAR_AREA_HEIGHT


def test_a_chart_without_views_has_flat_bars_and_no_busiest_month():
    chart = bar_chart([MonthViews(month, 0) for month in month_starts(12)])
    assert {bar.height for bar in chart.bars} == {0}
    assert chart.total == 0
    assert chart.busiest is None


def chart_section(content: str) -> str:
    return section(content, "views-chart-heading")


def test_session_page_shows_its_views_per_month_as_an_accessible_svg(client):
    session = SessionFactory(views=48)
    months = month_starts(12)
    DailyViewsFactory(session=session, day=today(), views=40)
    DailyViewsFactory(session=session, day=months[0], views=8)
    content = client.get(session.get_absolute_url()).content.decode()
    chart = chart_section(content)
    assert '<h2 id="views-chart-heading">Views over the last 12 months</h2>' in chart
    svg = re.search(r"<svg[^>]*>", chart).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="views-chart-title"' in svg
    assert 'aria-describedby="views-chart-description"' in svg
    first, last = months[0].strftime("%B %Y"), months[-1].strftime("%B %Y")
    assert f'<title id="views-chart-title">Views per month, {first} to {last}</title>' in chart
    assert (
        f'<desc id="views-chart-description">48 views in all, the most in {last} (40).</desc>'
        in chart
    )
    assert len(re.findall(r'<rect class="views-chart-bar"', chart)) == 12
    # The figures, month by month, for screen readers.
    table = re.search(r'<table class="visually-hidden">(.*?)</table>', chart, re.S).group(1)
    rows = [
        [visible_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    figures = {months[0]: 8, months[-1]: 40}
    assert rows == [
        ["Month", "Views"],
        *([month.strftime("%B %Y"), str(figures.get(month, 0))] for month in months),
    ]


def test_the_chart_needs_no_script_and_no_inline_style(client):
    session = SessionFactory()
    DailyViewsFactory(session=session, day=today(), views=3)
    content = client.get(session.get_absolute_url()).content.decode()
    chart = chart_section(content)
    assert "<script" not in chart
    assert "style" not in chart
    assert " on" not in re.sub(r">[^<]*<", "><", chart)  # no event handler attributes
    assert markup_problems(content) == []


def test_the_chart_counts_the_view_the_page_just_counted(client):
    session = SessionFactory(views=0)
    content = client.get(session.get_absolute_url(), headers={"user-agent": BROWSER})
    content = content.content.decode()
    assert "1 view in all, the most in" in chart_section(content)


def test_a_draft_shown_to_an_editor_has_no_chart(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    client.force_login(EditorFactory())
    content = client.get(draft.get_absolute_url()).content.decode()
    assert "views-chart-heading" not in content


def test_the_chart_is_kept_like_a_page_and_drawn_again_once_that_is_stale(
    client, monkeypatch, settings
):
    session = SessionFactory(views=0)
    client.get(session.get_absolute_url(), headers={"user-agent": f"{BROWSER} one"})
    second = client.get(session.get_absolute_url(), headers={"user-agent": f"{BROWSER} two"})
    content = second.content.decode()
    # The count is the live one; the chart as the first visitor had it.
    assert "2 views" in content
    assert "1 view in all, the most in" in chart_section(content)
    # As long as a page is kept later, for the caches and the page cache alike.
    later = time.time() + settings.CATALOGUE_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    third = client.get(session.get_absolute_url(), headers={"user-agent": f"{BROWSER} three"})
    assert "3 views in all, the most in" in chart_section(third.content.decode())
