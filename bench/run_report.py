"""What `bench/run` prints after measuring: each page against both floors, how each
page's time grows from the small catalogue to the large one, and each page against its
target (`Page.target`, a share of the bare floor)."""

from report import Report  # bench/report.py, beside this script
from wrk import Result  # bench/wrk.py

# The most a page may slow down from 1,000 sessions to 100,000.
GROWTH_LIMIT = 1.5


def table(results: list[Result], floor: Result, bare_floor: Result) -> str:
    """One row a page, with its share of each floor; last the mean of each floor (the
    site floor's share of the bare floor is what the site's middleware leaves)."""
    lines = [
        "| page | requests/s | p50 ms | p99 ms | its site floor's requests/s "
        "| × site floor | its bare floor's requests/s | × bare floor "
        "| queries (cold/warm) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.page.name} | {result.rps:.0f} | {result.p50_ms:.1f} | "
            f"{result.p99_ms:.1f} | {result.floor_rps:.0f} | {result.share_of_floor:.2f} | "
            f"{result.bare_floor_rps:.0f} | {result.share_of_bare_floor:.2f} | "
            f"{result.queries} | {result.errors} |"
        )
    site_share = floor.rps / bare_floor.rps if bare_floor.rps else 0.0
    lines += [
        f"| site floor (pre-rendered, no database; the mean of all) | {floor.rps:.0f} | "
        f"{floor.p50_ms:.1f} | {floor.p99_ms:.1f} | | 1.00 | | {site_share:.2f} | 0/0 | "
        f"{floor.errors} |",
        f"| bare floor (a new Django project, same page; the mean of all) | "
        f"{bare_floor.rps:.0f} | {bare_floor.p50_ms:.1f} | {bare_floor.p99_ms:.1f} | | | | "
        f"1.00 | 0/0 | {bare_floor.errors} |",
    ]
    return "\n".join(lines)


def growth_table(large: list[Result], small: list[Result], sizes: tuple[int, int]) -> str:
    """Each page's time per request on the large catalogue over the small one, each time
    taken as a multiple of its own bare floor, so that the machine's load in between
    does not count."""
    large_size, small_size = (f"{size:,}" for size in sizes)
    lines = [
        f"| page | × bare floor at {large_size} | × bare floor at {small_size} | "
        f"time at {large_size} ÷ at {small_size} |",
        "|---|---:|---:|---:|",
    ]
    for big, little in zip(large, small, strict=True):
        lines.append(
            f"| {big.page.name} | {big.share_of_bare_floor:.2f} | "
            f"{little.share_of_bare_floor:.2f} | {_growth_text(slowdown(big, little))} |"
        )
    return "\n".join(lines)


def slowdown(big: Result, little: Result) -> float | None:
    """A page's time per request on the large catalogue over the small one, each against
    its bare floor (None if no request of it was answered on the large one)."""
    if not big.share_of_bare_floor:
        return None
    return little.share_of_bare_floor / big.share_of_bare_floor


def _growth_text(growth: float | None) -> str:
    return "(none answered in time)" if growth is None else f"{growth:.2f}"


def targets(
    large: list[Result], small: list[Result] | None = None, sizes: tuple[int, int] = (0, 0)
) -> Report:
    """Each page's share of the bare floor against its target and, with a small catalogue
    measured too (`sizes`: the large one's, the small one's), how much each page slows
    down from the small one to the large one."""
    report = Report()
    for result in large:
        if result.page.target is not None:
            report.check(
                f"{result.page.name}: × bare floor (× site floor {result.share_of_floor:.2f})",
                f"{result.share_of_bare_floor:.2f}",
                f">= {result.page.target}",
                result.share_of_bare_floor >= result.page.target,
            )
    if small:
        large_size, small_size = (f"{size:,}" for size in sizes)
        for big, little in zip(large, small, strict=True):
            growth = slowdown(big, little)
            limit = big.page.growth_limit or GROWTH_LIMIT
            report.check(
                f"{big.page.name}: time at {large_size} ÷ at {small_size}",
                _growth_text(growth),
                f"<= {limit}",
                growth is not None and growth <= limit,
            )
    errors = sum(result.errors for result in [*large, *(small or [])])
    report.check("failed requests, every page", str(errors), "0", errors == 0)
    return report
