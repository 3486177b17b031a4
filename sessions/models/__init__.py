"""The catalogue's models, one module per family; everything else in `sessions` may use
them, and they use nothing of `sessions` but each other (and `strategies.models`).

Re-exported here, so that `sessions.models.Session` (and the migrations' references)
name them wherever they live.
"""

from .archive import Document, Recording
from .catalogue_version import CatalogueVersion
from .labels import NamedSlugged, SessionType, Tag, Topic
from .meetings import Meeting, MeetingQuerySet
from .people import Participant, Speaker
from .places import Venue
from .programme_import import ProgrammeImport
from .session import Session, SessionManager, SessionQuerySet, Transcript, new_session_key
from .view_statistics import DailyViews, WrittenViewBatch

__all__ = [
    "CatalogueVersion",
    "DailyViews",
    "Document",
    "Meeting",
    "MeetingQuerySet",
    "NamedSlugged",
    "Participant",
    "ProgrammeImport",
    "Recording",
    "Session",
    "SessionManager",
    "SessionQuerySet",
    "SessionType",
    "Speaker",
    "Tag",
    "Topic",
    "Transcript",
    "Venue",
    "WrittenViewBatch",
    "new_session_key",
]
