"""The demo data a newcomer sees: the meetings, a few strategies and sessions.

Everything comes from the files in `demo/`, and loading it twice changes nothing. The
twenty annual IGFs come from `igf-meetings.csv` (matched by number), the national,
regional and youth IGFs beside them from `meetings.csv` (matched by name); each makes
its venue, with the place's time zone. The sessions go through the same importer as
any other file (`importing.py`), and find the venues made here by their place.
"""

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from igf_catalogue.html import sanitise_html
from sessions.importing import ImportResult, import_sessions, read_records
from sessions.models import Meeting, Venue
from sessions.models.places import validate_time_zone
from strategies.models import Enabler, Objective, Strategy

DEMO_DIR = Path(settings.BASE_DIR) / "demo"

# The annual meetings' file lists the facts of each meeting; the host city's time zone
# is added here. (`meetings.csv` has a column for it.)
MEETING_TIME_ZONES = {
    "Athens": "Europe/Athens",
    "Rio de Janeiro": "America/Sao_Paulo",
    "Hyderabad": "Asia/Kolkata",
    "Sharm El Sheikh": "Africa/Cairo",
    "Vilnius": "Europe/Vilnius",
    "Nairobi": "Africa/Nairobi",
    "Baku": "Asia/Baku",
    "Bali": "Asia/Makassar",
    "Istanbul": "Europe/Istanbul",
    "João Pessoa": "America/Fortaleza",
    "Guadalajara": "America/Mexico_City",
    "Geneva": "Europe/Zurich",
    "Paris": "Europe/Paris",
    "Berlin": "Europe/Berlin",
    "Online": "UTC",  # 2020: the programme was published in UTC
    "Katowice": "Europe/Warsaw",
    "Addis Ababa": "Africa/Addis_Ababa",
    "Kyoto": "Asia/Tokyo",
    "Riyadh": "Asia/Riyadh",
    "Lillestrøm": "Europe/Oslo",
}


class DemoDataError(Exception):
    """The demo files are inconsistent; nothing was loaded."""


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class DemoDataResult:
    venues: LoadCounts = field(default_factory=LoadCounts)
    meetings: LoadCounts = field(default_factory=LoadCounts)
    strategies: LoadCounts = field(default_factory=LoadCounts)
    strategy_parts: LoadCounts = field(default_factory=LoadCounts)  # objectives and enablers
    sessions: ImportResult | None = None


def load_demo_data(*, demo_dir: Path = DEMO_DIR) -> DemoDataResult:
    """Load the meetings, strategies and sessions of `demo_dir`, all or nothing."""
    result = DemoDataResult()
    with transaction.atomic():
        venues = VenueLoader(result.venues)
        load_meetings(path=demo_dir / "igf-meetings.csv", venues=venues, counts=result.meetings)
        load_other_meetings(path=demo_dir / "meetings.csv", venues=venues, counts=result.meetings)
        load_strategies(
            path=demo_dir / "strategies.json",
            counts=result.strategies,
            part_counts=result.strategy_parts,
        )
        result.sessions = import_sessions(records=read_records(path=demo_dir / "sessions.json"))
        if not result.sessions.ok:
            # Raising rolls back the meetings and strategies loaded above.
            raise DemoDataError("\n".join(str(error) for error in result.sessions.errors))
    return result


class VenueLoader:
    """The venues of the meetings files, each made or brought up to date once per load
    (and counted once) however many meetings it hosts."""

    def __init__(self, counts: LoadCounts):
        self.counts = counts
        self.loaded: dict[tuple[str, str], tuple[Venue, dict]] = {}

    def __call__(self, *, city: str, country: str, country_code: str, time_zone: str) -> Venue:
        try:
            validate_time_zone(time_zone)
        except ValidationError:
            raise DemoDataError(f"{city}: “{time_zone}” is not a time zone.") from None
        values = {"country_code": country_code, "time_zone": time_zone}
        place = (city, country)
        if place in self.loaded:
            venue, earlier = self.loaded[place]
            if earlier != values:
                # Loading would flip the venue between the two on every run.
                raise DemoDataError(
                    f"{venue.name} is given two different country codes or time zones."
                )
            return venue
        venue = _load_row(
            Venue, self.counts, lookup={"city": city, "country": country}, values=values
        )
        self.loaded[place] = (venue, values)
        return venue


def load_meetings(*, path: Path, venues: VenueLoader, counts: LoadCounts) -> list[Meeting]:
    """The annual meetings (“IGF 2015”), matched by number, each with its dates at its
    venue. A theme or description an editor gave a meeting is kept."""
    meetings = []
    for row in _csv_rows(path):
        start, end = _day(row, "start_date"), _day(row, "end_date")
        if start is None or end is None or start.year != int(row["year"]):
            raise DemoDataError(f"{path.name}: IGF {row['year']} needs its dates in {row['year']}.")
        venue = venues(
            city=row["city"],
            country=row["country"],
            country_code=row["country_code"],
            time_zone=MEETING_TIME_ZONES[row["city"]],
        )
        meetings.append(
            _load_meeting(
                counts,
                lookup={"number": int(row["number"])},
                values={
                    "name": f"IGF {row['year']}",
                    "kind": Meeting.Kind.ANNUAL,
                    "start_date": start,
                    "end_date": end,
                    "venue": venue,
                },
            )
        )
    return meetings


def load_other_meetings(*, path: Path, venues: VenueLoader, counts: LoadCounts) -> list[Meeting]:
    """The national, regional and youth IGFs (“EuroDIG 2019”), matched by name, each at
    its venue; dates and website may be left empty where they are not known."""
    meetings = []
    others = set(Meeting.Kind.values) - {Meeting.Kind.ANNUAL}
    for row in _csv_rows(path):
        name = row["name"].strip()
        if row["kind"] not in others:
            raise DemoDataError(
                f"{path.name}: {name}: the kind must be one of {', '.join(sorted(others))}."
            )
        start, end = _day(row, "start_date"), _day(row, "end_date")
        if start and end and end < start:
            raise DemoDataError(f"{path.name}: {name} ends before it starts.")
        venue = venues(
            city=row["city"],
            country=row["country"],
            country_code=row["country_code"],
            time_zone=row["time_zone"],
        )
        meetings.append(
            _load_meeting(
                counts,
                lookup={"name": name},
                values={
                    "kind": row["kind"],
                    "start_date": start,
                    "end_date": end,
                    "venue": venue,
                    "website": row["website"].strip(),
                },
            )
        )
    return meetings


def _load_meeting(counts: LoadCounts, *, lookup: dict, values: dict) -> Meeting:
    match = Meeting.objects.filter(**lookup).first()
    if match is not None and match.is_annual != (values["kind"] == Meeting.Kind.ANNUAL):
        # e.g. a national meeting named "IGF 2019": it would turn the annual one into it.
        raise DemoDataError(f"{match.name} is both an annual meeting and another kind.")
    return _load_row(Meeting, counts, lookup=lookup, values=values)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as rows:
        return list(csv.DictReader(rows))


def _day(row: dict[str, str], column: str) -> datetime.date | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DemoDataError(f"{column} “{text}” is not a date (YYYY-MM-DD).") from None


def load_strategies(*, path: Path, counts: LoadCounts, part_counts: LoadCounts) -> None:
    """Strategies by slug, each with its ordered objectives and enablers."""
    document = json.loads(path.read_text(encoding="utf-8"))
    for item in document["strategies"]:
        strategy = _load_row(
            Strategy,
            counts,
            lookup={"slug": item["slug"]},
            values={
                "name": item["name"],
                "country": item.get("country", ""),
                "owner": item.get("owner", ""),
                "year": item.get("year"),
                "link": item.get("link", ""),
                # Compared as it will be stored, so an unchanged file writes nothing.
                "description": sanitise_html(item.get("description", "")),
            },
        )
        for model, parts in ((Objective, item["objectives"]), (Enabler, item["enablers"])):
            for order, part in enumerate(parts, start=1):
                _load_row(
                    model,
                    part_counts,
                    lookup={"strategy": strategy, "name": part["name"]},
                    values={"order": order, "description": part.get("description", "")},
                )


def _load_row(
    model: type[models.Model], counts: LoadCounts, *, lookup: dict, values: dict
) -> models.Model:
    """The row matching `lookup`, created or brought up to `values`, written only if needed."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.save()
        counts.created += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        counts.updated += 1
    else:
        counts.unchanged += 1
    return instance
