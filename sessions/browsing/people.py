"""Speakers: who organised, spoke at, moderated or reported on sessions.

The reads of the public speaker pages and of a session's participants, each a fixed
number of queries.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from sessions.models import Participant, Session, Speaker

MAX_SEARCH_LENGTH = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
ROLE_HEADINGS = {
    Participant.Role.ORGANISER: (_("Organiser"), _("Organisers")),
    Participant.Role.SPEAKER: (_("Speaker"), _("Speakers")),
    Participant.Role.MODERATOR: (_("Moderator"), _("Moderators")),
    Participant.Role.RAPPORTEUR: (_("Rapporteur"), _("Rapporteurs")),
}
# Roles in the order a programme lists them (the order of Participant.Role), not alphabetical.
ROLE_RANK = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(Participant.Role.values)],
    output_field=IntegerField(),
)


def published_session_count(prefix: str = "") -> Count:
    """How many published sessions a speaker took part in, each counted once whatever
    their roles in it. `prefix` leads from the model queried to the speaker."""
    return Count(
        f"{prefix}participations__session",
        filter=Q(**{f"{prefix}participations__session__status": Session.Status.PUBLISHED}),
        distinct=True,
    )


# The public pages


def clean_search(text: str) -> str:
    """What a visitor typed into the speaker search, safe to query with: without control
    characters (PostgreSQL refuses a NUL byte), extra spaces, or more than a sane length."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())[:MAX_SEARCH_LENGTH]


def speakers_with_counts(*, search: str = "") -> QuerySet[Speaker]:
    """Speakers of published sessions by name, each with `session_count`.

    `search` keeps those whose name or organisation holds every word of it.
    """
    speakers = Speaker.objects.annotate(session_count=published_session_count()).filter(
        session_count__gt=0
    )
    for word in search.split():
        speakers = speakers.filter(Q(name__icontains=word) | Q(organisation__icontains=word))
    return speakers.order_by("name", "pk")


def sessions_of_speaker(speaker: Speaker) -> QuerySet[Session]:
    """A speaker's published sessions, newest first, ready for session tiles.

    Each carries `speaker_roles`: the speaker's parts in it, in programme order.
    """
    takes_part = Participant.objects.filter(session=OuterRef("pk"), speaker=speaker)
    roles = Participant.objects.filter(speaker=speaker).order_by(ROLE_RANK, "pk")
    return (
        Session.objects.published()
        .filter(Exists(takes_part))
        .for_list()
        .with_tags()
        .with_marks()
        .prefetch_related(Prefetch("participants", roles, to_attr="speaker_roles"))
        .order_by("-date", "-pk")
    )


def participants_prefetch() -> Prefetch:
    """A session's participants in programme order, each with its speaker and the
    speaker's number of published sessions (`speaker_session_count`), in one query."""
    participants = (
        Participant.objects.select_related("speaker")
        .annotate(speaker_session_count=published_session_count("speaker__"))
        .order_by(ROLE_RANK, "order", "pk")
    )
    return Prefetch("participants", participants, to_attr="ordered_participants")


@dataclass
class RoleGroup:
    """The participants of a session who share a role, in their order."""

    role: str
    heading: str
    participants: list[Participant]


def group_by_role(participants: Iterable[Participant]) -> list[RoleGroup]:
    """Organisers, speakers, moderators, then rapporteurs; roles nobody has are left out."""
    groups: dict[str, list[Participant]] = {}
    for participant in participants:
        groups.setdefault(participant.role, []).append(participant)
    return [
        RoleGroup(
            role=role,
            heading=ROLE_HEADINGS[role][0 if len(groups[role]) == 1 else 1],
            participants=groups[role],
        )
        for role in Participant.Role.values
        if role in groups
    ]
