"""A session's views per month as a small bar chart, drawn on the server as SVG.

The template (sessions/_views_chart.html) only places what this computes: no script,
no inline style, and the figures are also given as text for screen readers.

Time runs the way the interface's language reads: left to right, the latest month at
the right; in a right-to-left language (Arabic) from right to left, the latest month at
the left. The positions are mirrored here rather than the drawing by a CSS transform,
which would mirror the figures and the month names too. A chart is therefore drawn for
one language, as the session page keeps it (sessions.browsing.views._kept_views_chart).
"""

from dataclasses import dataclass

from django.utils.translation import get_language_bidi

from .selectors import MonthViews

# In SVG user units; the stylesheet scales the chart to the width available.
SLOT_WIDTH = 40
BAR_WIDTH = 28
BAR_AREA_HEIGHT = 100
TOP = 16  # room for the figure above the tallest bar
FIGURE_GAP = 4
MONTH_LABEL_GAP = 14
BOTTOM = 22  # room for the month names


@dataclass(frozen=True)
class Bar:
    month: MonthViews
    x: float
    y: float
    width: float
    height: float
    centre: float  # where the month's name and figure are centred
    figure_y: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    baseline: int
    month_label_y: int
    total: int
    busiest: MonthViews | None  # the month with the most views, the earliest on a tie
    right_to_left: bool  # the months run from right to left, the latest at the left

    @property
    def first(self) -> MonthViews:
        return self.bars[0].month

    @property
    def last(self) -> MonthViews:
        return self.bars[-1].month


def bar_chart(months: list[MonthViews], *, right_to_left: bool | None = None) -> BarChart:
    """One bar per month, the busiest month's the full height; a month with any views
    gets at least one unit, so that it never looks like a month without.

    `months` run from the earliest, and so do the chart's bars; where each is drawn
    follows the direction of the current language unless `right_to_left` says."""
    if right_to_left is None:
        right_to_left = get_language_bidi()
    peak = max((month.views for month in months), default=0)
    baseline = TOP + BAR_AREA_HEIGHT
    bars = []
    for index, month in enumerate(months):
        height = 0.0
        if peak:
            height = max(round(month.views / peak * BAR_AREA_HEIGHT, 1), 1.0 if month.views else 0)
        slot = len(months) - 1 - index if right_to_left else index
        bars.append(
            Bar(
                month=month,
                x=slot * SLOT_WIDTH + (SLOT_WIDTH - BAR_WIDTH) / 2,
                y=round(baseline - height, 1),
                width=BAR_WIDTH,
                height=height,
                centre=slot * SLOT_WIDTH + SLOT_WIDTH / 2,
                figure_y=round(baseline - height - FIGURE_GAP, 1),
            )
        )
    busiest = next((month for month in months if peak and month.views == peak), None)
    return BarChart(
        bars=bars,
        width=len(months) * SLOT_WIDTH,
        height=baseline + BOTTOM,
        baseline=baseline,
        month_label_y=baseline + MONTH_LABEL_GAP,
        total=sum(month.views for month in months),
        busiest=busiest,
        right_to_left=right_to_left,
    )
