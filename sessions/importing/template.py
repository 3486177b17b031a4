"""The import template editors download beside the admin's import page: a CSV file of
the format's header and one example row, and a JSON file of the same example."""

import csv
import io
import json

from django.utils.html import escape

from .reading import CSV_LIST_SEPARATOR

# One session in the import format, with every field given.
EXAMPLE = {
    "key": "igf2025-ws-101",
    "title": "Open data for inclusive digital economies",
    "date": "2025-06-24",
    "start_time": "10:30",
    "end_time": "12:00",
    "type": "Workshop",
    "topic": "Digital economy",
    "venue": "Lillestrøm, Norway",
    "meeting": "igf-2025",
    "description": "<p>How open data helps small businesses take part in the digital economy.</p>",
    "status": "draft",
    "views": 0,
    "related": [],
    "strategies": [],
    "url": "https://www.intgovforum.org/en/content/igf-2025",
    "speakers": [
        {
            "name": "Ana García",
            "organisation": "Ministry of Economy",
            "stakeholder": "Government",
            "role": "moderator",
        },
        "Arjun Mehta",
    ],
    "tags": ["open data", "SMEs"],
    "transcript": "",
    "recordings": [
        {
            "url": "https://www.youtube.com/watch?v=Qm4fT8kLr2w",
            "language": "en",
            "title": "Floor",
            "length": "01:29:40",
        },
        {"url": "https://www.youtube.com/watch?v=Zp7cN1xVd0s", "language": "es"},
    ],
    "documents": [
        {
            "url": "https://www.intgovforum.org/en/filedepot_download/382/25211",
            "title": "Workshop proposal",
            "kind": "proposal",
            "language": "en",
        },
        "https://www.intgovforum.org/en/filedepot_download/382/25790",
    ],
    "language": "en",
    "report": {
        "summary": "<p>Speakers agreed that open data lowers the cost of entry.</p>",
        "key_takeaways": ["Publish data in open formats", "Train small businesses to use it"],
        "calls_to_action": ["Governments should publish procurement data openly"],
    },
}


def csv_template() -> str:
    """The header row and the example: list fields joined with ";", speakers by name,
    recordings and documents by URL, the report's parts in columns of their own."""
    values = {name: value for name, value in EXAMPLE.items() if name != "report"}
    values |= {f"report.{part}": _html(value) for part, value in EXAMPLE["report"].items()}
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(values)
    writer.writerow([_csv_value(value) for value in values.values()])
    return out.getvalue()


def json_template() -> str:
    return json.dumps({"sessions": [EXAMPLE]}, ensure_ascii=False, indent=2) + "\n"


def _html(value: str | list[str]) -> str:
    """A report's part as CSV carries it: HTML, a list as an ordered list."""
    if isinstance(value, list):
        return "<ol>" + "".join(f"<li>{escape(item)}</li>" for item in value) + "</ol>"
    return value


def _csv_value(value) -> str:
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(_csv_item(item) for item in value)
    return str(value)


def _csv_item(item: str | dict) -> str:
    """An item of a list as CSV names it: a speaker by name, anything else by URL."""
    if isinstance(item, str):
        return item
    return item["name"] if "name" in item else item["url"]
