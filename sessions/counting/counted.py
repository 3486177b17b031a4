"""The values counting passes around: what it needs of a session, and what it answers."""

from dataclasses import dataclass

from sessions.models import Session


@dataclass
class SessionToCount:
    """What counting a view needs of a published session, for the kept session page,
    which knows no more: making a whole `Session` for it took 60 µs of every view."""

    pk: int
    views: int | None = None
    is_published: bool = True


# Either a session read from the database or one the kept session page names.
CountableSession = Session | SessionToCount


@dataclass(frozen=True)
class Counted:
    """Whether a request was counted as a view, and the total to show."""

    counted: bool
    total: int | None
