"""A session's recordings as its page offers them: by language, the visitor's first."""

from dataclasses import dataclass

from sessions.models import Recording


@dataclass
class RecordingsInLanguage:
    language: str
    recordings: list[Recording]


def by_language(recordings: list[Recording], interface_language: str) -> list[RecordingsInLanguage]:
    """`recordings` grouped by language: the visitor's interface language first, then
    the others in the order their first recording has (main sessions are interpreted
    into the six UN languages, and the floor's own comes first there)."""
    groups: dict[str, RecordingsInLanguage] = {}
    for recording in recordings:
        language = recording.language or "en"
        if language not in groups:
            groups[language] = RecordingsInLanguage(language, [])
        groups[language].recordings.append(recording)
    primary = interface_language.split("-")[0]
    return sorted(groups.values(), key=lambda group: group.language.split("-")[0] != primary)
