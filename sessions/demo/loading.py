"""The demo data a newcomer sees: the annual meetings, a few strategies and sessions.

Everything comes from the files in `demo/`, and loading it twice changes nothing. The
sessions go through the same importer as any other file (`importing.py`).
"""

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from igf_catalogue.html import sanitise_html
from sessions.importing import ImportResult, import_sessions, read_records
from sessions.models import Venue
from strategies.models import Enabler, Objective, Strategy

DEMO_DIR = Path(settings.BASE_DIR) / "demo"

# The meetings file lists the facts of each meeting; the host city's time zone is added here.
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
    strategies: LoadCounts = field(default_factory=LoadCounts)
    strategy_parts: LoadCounts = field(default_factory=LoadCounts)  # objectives and enablers
    sessions: ImportResult | None = None


def load_demo_data(*, demo_dir: Path = DEMO_DIR) -> DemoDataResult:
    """Load the meetings, strategies and sessions of `demo_dir`, all or nothing."""
    result = DemoDataResult()
    with transaction.atomic():
        load_meetings(path=demo_dir / "igf-meetings.csv", counts=result.venues)
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


def load_meetings(*, path: Path, counts: LoadCounts) -> None:
    """One venue per annual meeting, with its number, dates and time zone."""
    with path.open(encoding="utf-8-sig", newline="") as meetings:
        for meeting in csv.DictReader(meetings):
            _load_row(
                Venue,
                counts,
                lookup={"city": meeting["city"], "country": meeting["country"]},
                values={
                    "country_code": meeting["country_code"],
                    "meeting_number": int(meeting["number"]),
                    "start_date": datetime.date.fromisoformat(meeting["start_date"]),
                    "end_date": datetime.date.fromisoformat(meeting["end_date"]),
                    "time_zone": MEETING_TIME_ZONES[meeting["city"]],
                },
            )


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
