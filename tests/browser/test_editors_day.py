"""The secretariat's day in the admin, in a real browser: a programme imported, a
session found by a speaker, a viewed one deleted, and the pickers of the session form."""

import json
import re

import pytest

from sessions.models import DailyViews, ProgrammeImport, Session
from strategies.models import Objective, Strategy
from tests.browser.conftest import DESKTOP_WIDTH, describe_violations, run_axe, sign_in

pytestmark = pytest.mark.browser

EDITORS_DAY_TYPE = "Editors' Day Workshop"
PROGRAMME = [
    {
        "key": "day-a",
        "title": "Community networks in the Pacific",
        "date": "2025-06-24",
        "type": EDITORS_DAY_TYPE,
        "venue": "Lillestrøm, Norway",
        "speakers": ["Lena Sørensen"],
    },
    {
        "key": "day-b",
        "title": "Open data for small businesses",
        "date": "2025-06-24",
        "type": EDITORS_DAY_TYPE,
        "venue": "Lillestrøm, Norway",
        "speakers": ["Ingrid Halvorsen-Tveit", "Lena Sørensen"],
    },
    {
        "key": "day-c",
        "title": "Youth voices on AI governance",
        "date": "2025-06-25",
        "type": EDITORS_DAY_TYPE,
        "venue": "Lillestrøm, Norway",
        "speakers": ["Lena Sørensen"],
    },
]


def test_an_editor_imports_a_programme_finds_a_session_and_deletes_a_viewed_one(
    site, new_context, editor, tmp_path
):
    programme = tmp_path / "programme.json"
    programme.write_text(json.dumps({"sessions": PROGRAMME}), encoding="utf-8")
    page = new_context().new_page()
    sign_in(site, page, editor)

    # Import: the file is checked first, and only written once confirmed.
    page.goto(site + "/admin/catalogue/session/")
    page.get_by_role("link", name="Import sessions").click()
    page.locator("#id_file").set_input_files(programme)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Checked: nothing is written yet").wait_for()
    assert "3 sessions in the file: 3 to create, 0 to update, 0 unchanged." in page.inner_text(
        "#content"
    )
    assert not Session.objects.filter(key__startswith="day-").exists()
    page.get_by_role("button", name="Import 3 sessions").click()
    page.get_by_role("heading", name="Imported").wait_for()
    assert Session.objects.filter(key__startswith="day-").count() == 3

    # Found by a speaker's name.
    page.get_by_role("link", name="See the sessions").click()
    page.locator("#searchbar").fill("Ingrid Halvorsen-Tveit")
    page.locator("#searchbar").press("Enter")
    page.wait_for_url(re.compile(r".*\?q=Ingrid\+Halvorsen-Tveit"))
    found = page.locator("#result_list tbody tr").all_inner_texts()
    assert [row.split("\t")[1] for row in found] == ["Open data for small businesses"]

    # A visitor views one; the editor then deletes it, its daily views with it.
    viewed = Session.objects.get(key="day-c")
    visitor = new_context().new_page()
    visitor.goto(site + viewed.get_absolute_url())
    assert DailyViews.objects.filter(session=viewed).exists()
    page.goto(site + f"/admin/catalogue/session/{viewed.pk}/change/")
    page.locator("a.deletelink").click()
    assert "Daily views: 1" in page.inner_text("#content")
    page.get_by_role("button", name="Yes, I’m sure").click()
    page.wait_for_url("**/admin/catalogue/session/")
    assert not Session.objects.filter(pk=viewed.pk).exists()

    # The public site shows exactly the other two.
    type_slug = Session.objects.get(key="day-a").type.slug
    visitor.goto(site + f"/sessions/?type={type_slug}")
    titles = visitor.locator("#result-list .session-tile-title").all_inner_texts()
    assert sorted(titles) == ["Community networks in the Pacific", "Open data for small businesses"]
    assert ProgrammeImport.objects.get().status == ProgrammeImport.Status.IMPORTED


def test_objectives_follow_the_strategies_chosen_and_a_tag_is_made_by_typing(
    site, new_context, editor
):
    mexico = Strategy.objects.get(name__startswith="Mexico")
    shared_name = Objective.objects.filter(strategy=mexico).first().name
    for other in Strategy.objects.exclude(pk=mexico.pk)[:2]:
        Objective.objects.get_or_create(strategy=other, name=shared_name)
    session = Session.objects.filter(strategies=None).first()
    page = new_context().new_page()
    sign_in(site, page, editor)
    page.goto(site + f"/admin/catalogue/session/{session.pk}/change/")

    choose(page, "strategies", "Mexico", mexico.name)
    offered = open_picker(page, "objectives", shared_name)
    assert offered.locator(".select2-results__group").all_inner_texts() == [mexico.name]
    offered.locator(".select2-results__option[role=option]", has_text=shared_name).first.click()

    # A name of digits: the id of no tag, but it would be read as one without the "+".
    choose(page, "tags", "2026", "2026")
    choose(page, "tags", "Digital commons", "Digital commons")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".messagelist .success").wait_for()

    assert list(session.objectives.values_list("strategy", flat=True)) == [mexico.pk]
    assert {"2026", "Digital commons"} <= set(session.tags.values_list("name", flat=True))


def open_picker(page, field: str, term: str):
    """Type `term` into the autocomplete of `field`; its results, once they came."""
    page.locator(f"#id_{field}").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    results = page.locator(".select2-container--open .select2-results")
    results.locator(".select2-results__option:not(.loading-results)").first.wait_for()
    return results


def choose(page, field: str, term: str, label: str) -> None:
    open_picker(page, field, term).locator(
        ".select2-results__option[role=option]", has_text=label
    ).first.click()


@pytest.mark.parametrize("path", ["/admin/catalogue/session/", "change"])
def test_the_session_list_and_form_pass_axe_at_a_desktops_width(
    site, new_context, editor, path, record_property
):
    page = new_context(width=DESKTOP_WIDTH, bypass_csp=True).new_page()
    sign_in(site, page, editor)
    if path == "change":
        path = f"/admin/catalogue/session/{Session.objects.first().pk}/change/"
    page.goto(site + path)

    violations = run_axe(page)

    assert violations == [], describe_violations(violations)
