"""Merging speaker records that turn out to be the same person: the one write editors
need beyond the admin's own."""

from collections.abc import Iterable

from django.db import transaction

from sessions.models import Participant, Speaker
from sessions.search import schedule_refresh

# A speaker's details that a merge fills in from the duplicates when the kept one lacks them.
MERGED_DETAILS = ("organisation", "stakeholder_group", "regional_group", "bio_link")


@transaction.atomic
def merge_speakers(*, keep: Speaker, duplicates: Iterable[Speaker]) -> Speaker:
    """Make `duplicates` one person with `keep`, and delete them.

    Every session of a duplicate becomes a session of `keep`, in the same role and
    order, unless `keep` already has that role in it: one row stays, `keep`'s own.
    Details `keep` lacks (organisation, stakeholder and regional groups, biography
    link) are taken from the first duplicate that has them.
    """
    duplicates = [speaker for speaker in duplicates if speaker.pk != keep.pk]
    if not duplicates:
        return keep
    duplicate_ids = [speaker.pk for speaker in duplicates]

    filled = []
    for name in MERGED_DETAILS:
        if getattr(keep, name):
            continue
        value = next((getattr(d, name) for d in duplicates if getattr(d, name)), "")
        if value:
            setattr(keep, name, value)
            filled.append(name)
    if filled:
        keep.save(update_fields=filled)

    taken = set(Participant.objects.filter(speaker=keep).values_list("session_id", "role"))
    moved = []
    for participation_id, session_id, role in (
        Participant.objects.filter(speaker__in=duplicate_ids)
        .order_by("session", "order", "pk")
        .values_list("pk", "session_id", "role")
    ):
        if (session_id, role) not in taken:
            taken.add((session_id, role))
            moved.append(participation_id)
    Participant.objects.filter(pk__in=moved).update(speaker=keep)
    # The participations not moved would repeat one of keep's; they go with the duplicates.
    Speaker.objects.filter(pk__in=duplicate_ids).delete()
    # The moved sessions now name `keep`: a bulk update sends no signal to say so.
    schedule_refresh(speakers=[keep.pk])
    return keep
