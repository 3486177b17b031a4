"""Matching the speakers the records name to existing ones, or to the ones the import
creates (`SpeakerDirectory`)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from sessions.models import Speaker

from .values import InvalidValue, SpeakerEntry


def _folded(name: str) -> str:
    """A name as it is matched: spaces normalised, case folded."""
    return " ".join(name.split()).casefold()


class SpeakerDirectory:
    """The speakers the records name: existing ones, and the ones the import creates.

    A speaker is matched by name and organisation, whatever their case. A speaker named
    without an organisation is the one of that name without an organisation if there
    is one, else the only speaker of that name; a new one when there is none.
    """

    def __init__(self, existing: Iterable[Speaker]):
        self.existing: dict[tuple[str, str], Speaker] = {}
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for speaker in existing:
            identity = (_folded(speaker.name), _folded(speaker.organisation))
            if identity not in self.existing:  # the oldest of duplicates an editor has not merged
                self.existing[identity] = speaker
                self.by_name[identity[0]].append(identity)
        self.new: dict[tuple[str, str], SpeakerEntry] = {}
        # Existing speakers without a stakeholder group, and the one the file gives them.
        self.completions: dict[tuple[str, str], str] = {}

    def add(self, entry: SpeakerEntry) -> tuple[str, str]:
        """The speaker of `entry`'s name and organisation, new if there is none yet."""
        identity = entry.identity
        if identity in self.existing:
            if entry.stakeholder and not self.existing[identity].stakeholder_group:
                self.completions.setdefault(identity, entry.stakeholder)
        elif identity not in self.new:
            self.new[identity] = entry
            self.by_name[identity[0]].append(identity)
        elif entry.stakeholder and not self.new[identity].stakeholder:
            self.new[identity] = replace(self.new[identity], stakeholder=entry.stakeholder)
        return identity

    def find(self, entry: SpeakerEntry) -> tuple[str, str]:
        """The speaker `entry` names by name alone; `add` every organisation first."""
        name = entry.identity[0]
        candidates = self.by_name.get(name, [])
        if (name, "") in candidates or not candidates:
            return self.add(entry)
        if len(candidates) > 1:
            organisations = "; ".join(
                self.organisation(identity) or "no organisation" for identity in candidates
            )
            raise InvalidValue(
                f'"{entry.name}" is the name of several speakers ({organisations}); '
                "give the organisation"
            )
        return self.add(replace(entry, organisation=self.organisation(candidates[0])))

    def organisation(self, identity: tuple[str, str]) -> str:
        speaker = self.existing.get(identity)
        return speaker.organisation if speaker else self.new[identity].organisation

    def is_new(self, identity: tuple[str, str]) -> bool:
        return identity in self.new
