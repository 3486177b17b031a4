"""The words of each session, kept for PostgreSQL's full-text search.

On PostgreSQL a session's words live in `Session.search_vector`, weighted:

- A: the title;
- B: its tags' names, its speakers' names and organisations;
- C: the description and the session report, without their HTML tags;
- D: its transcripts, every language.

Each is read in the session's language (sessions.search.languages).

A search matches that vector and is ranked by `Session.rank_vector`, A and B alone: small
enough to stay in the row, where ranking on the whole vector read every match's
transcripts (sessions.search.matching).

Beside it, `Session.stakeholder_groups` holds the stakeholder groups of its speakers,
which the list's stakeholder facet counts (sessions.browsing.facets); both are
recomputed together.

`refresh_search_vectors` recomputes the vectors of some sessions in one UPDATE. Signals
keep them current whatever changes a session's words (the session itself, its tags,
participants and transcripts, a speaker or tag renamed, a speaker's stakeholder group
changed): they collect the sessions a transaction touches and refresh them all in one
UPDATE once it commits. The importer, which writes links in bulk without signals,
refreshes what it touched itself, and `manage.py rebuild_search_index` recomputes every
vector after a bulk load.

On SQLite the same refreshes rewrite the sessions' rows of an FTS5 table instead, at the
same moments (sessions.search.on_sqlite), and a session deleted loses its row.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVector
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from sessions.models import Participant, Session, Speaker, Tag, Transcript
from sessions.models.session import REPORT_FIELDS

from . import on_sqlite
from .languages import PLAIN, config_of_session, plain_if_stemmed, separated_sql

# Sessions refreshed per UPDATE when there are many (an import, a rebuild).
REFRESH_BATCH = 2000


def is_postgresql(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def _joined(queryset: QuerySet) -> Func:
    """The texts of a one-column queryset joined by spaces, "" when there are none."""
    return Func(
        ArraySubquery(queryset), Value(" "), function="array_to_string", output_field=TextField()
    )


def description_text(field: str = "description") -> Func:
    """The description (or another field of HTML) without its tags (its entities, such
    as &amp;, stay)."""
    return Func(
        F(field),
        Value(r"<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def transcripts_text() -> Func:
    return _joined(Transcript.objects.filter(session=OuterRef("pk")).order_by().values("text"))


def _words(*texts, weight: str) -> SearchVector:
    """`texts` read in the session's language and, when that is not English, as plain
    words too (sessions.search.languages)."""
    texts = [separated_sql(F(text) if isinstance(text, str) else text) for text in texts]
    return SearchVector(*texts, weight=weight, config=config_of_session()) + SearchVector(
        *(plain_if_stemmed(text) for text in texts), weight=weight, config=PLAIN
    )


def _named_words() -> SearchVector:
    """The words a session is named by: its title (A), its tags' names and its speakers'
    names and organisations (B)."""
    tag_names = _joined(Tag.objects.filter(sessions=OuterRef("pk")).order_by().values("name"))
    speakers = _joined(
        Speaker.objects.filter(participations__session=OuterRef("pk"))
        .order_by()
        .distinct()
        .values(words=Concat("name", Value(" "), "organisation", output_field=TextField()))
    )
    return _words("title", weight="A") + _words(tag_names, speakers, weight="B")


def _search_vector() -> SearchVector:
    return (
        _named_words()
        + _words(
            description_text(), *(description_text(field) for field in REPORT_FIELDS), weight="C"
        )
        + _words(transcripts_text(), weight="D")
    )


def _stakeholder_groups() -> Func:
    """The stakeholder groups of the session's speakers, in order, space-separated."""
    return _joined(
        Speaker.objects.filter(participations__session=OuterRef("pk"))
        .exclude(stakeholder_group="")
        .order_by("stakeholder_group")
        .distinct()
        .values("stakeholder_group")
    )


def _index_fields() -> dict:
    """What a refresh recomputes: the vector a search matches, the smaller one it is ranked
    by, the configuration both were read with, and the groups the stakeholder facet
    counts."""
    return {
        "search_vector": _search_vector(),
        "rank_vector": _named_words(),
        "search_config": config_of_session(),
        "stakeholder_groups": _stakeholder_groups(),
    }


def refresh_search_vectors(session_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the search vectors of `session_ids` in one UPDATE (one per
    REFRESH_BATCH sessions); returns how many sessions were updated. On SQLite, their
    rows of the full-text table (sessions.search.on_sqlite)."""
    ids = list(dict.fromkeys(session_ids))
    # Refreshed now: a refresh already waiting for the commit need not do them again.
    _pending(using).difference_update(ids)
    if not is_postgresql(using):
        return on_sqlite.refresh_rows(ids, using=using)
    updated = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        updated += Session.objects.using(using).filter(pk__in=batch).update(**_index_fields())
    return updated


def refresh_all_search_vectors(
    *, batch_size: int = REFRESH_BATCH, using: str = DEFAULT_DB_ALIAS, progress=None
) -> int:
    """Recompute every session's vector (row on SQLite, where the rows of sessions
    deleted without their row go first), `batch_size` sessions per transaction."""
    on_sqlite.remove_rows_of_deleted_sessions(using=using)
    ids = list(Session.objects.using(using).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic(using=using):
            done += refresh_search_vectors(ids[start : start + batch_size], using=using)
        if progress:
            progress(done, len(ids))
    return done


# Keeping vectors current: signals collect what a transaction touched, one UPDATE at commit.


class _PendingRefresh:
    """Sessions, speakers and tags whose sessions' vectors wait for the commit."""

    def __init__(self):
        self.sessions: set[int] = set()
        self.speakers: set[int] = set()
        self.tags: set[int] = set()

    def difference_update(self, session_ids: Iterable[int]) -> None:
        self.sessions.difference_update(session_ids)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.speakers or self.tags)


def _pending(using: str) -> _PendingRefresh:
    connection = connections[using]
    if not hasattr(connection, "catalogue_pending_search_refresh"):
        connection.catalogue_pending_search_refresh = _PendingRefresh()
    return connection.catalogue_pending_search_refresh


def schedule_refresh(
    *,
    sessions: Iterable[int] = (),
    speakers: Iterable[int] = (),
    tags: Iterable[int] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Refresh these sessions, and the sessions of these speakers and tags, once the
    current transaction commits (at once outside a transaction).

    Whatever one transaction schedules is refreshed by a single UPDATE: every call
    registers a commit callback, and the first to run refreshes all that is pending.
    A rollback drops the callbacks; what it had scheduled is refreshed (needlessly but
    harmlessly) with the next commit's.
    """
    if not (is_postgresql(using) or on_sqlite.is_sqlite(using)):
        return
    pending = _pending(using)
    pending.sessions.update(pk for pk in sessions if pk is not None)
    pending.speakers.update(pk for pk in speakers if pk is not None)
    pending.tags.update(pk for pk in tags if pk is not None)
    if pending:
        transaction.on_commit(partial(_flush, using), using=using)


def _flush(using: str) -> None:
    connection = connections[using]
    pending = _pending(using)
    if not pending:
        return
    connection.catalogue_pending_search_refresh = _PendingRefresh()
    affected = Q(pk__in=pending.sessions)
    if pending.speakers:
        affected |= Exists(
            Participant.objects.filter(session=OuterRef("pk"), speaker__in=pending.speakers)
        )
    if pending.tags:
        affected |= Exists(
            Session.tags.through.objects.filter(session=OuterRef("pk"), tag__in=pending.tags)
        )
    sessions = Session.objects.using(using).filter(affected)
    if not is_postgresql(using):
        # With the sessions deleted since (in pending.sessions), whose rows go.
        found = pending.speakers or pending.tags
        on_sqlite.refresh_rows(
            [*pending.sessions, *(sessions.values_list("pk", flat=True) if found else [])],
            using=using,
        )
        return
    sessions.update(**_index_fields())


# The words a vector holds come from these fields.
SESSION_FIELDS = {"title", "description", "language", *REPORT_FIELDS}
SPEAKER_FIELDS = {"name", "organisation", "stakeholder_group"}
TAG_FIELDS = {"name"}


def _touches(update_fields, fields: set[str]) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


_sessions_refreshed_by_the_writer: ContextVar[bool] = ContextVar(
    "catalogue_sessions_refreshed_by_the_writer", default=False
)


@contextmanager
def sessions_refreshed_by_the_writer():
    """Within the block, a session saved schedules no refresh of its vector: the writer
    (the importer, saving thousands in one transaction) refreshes those it saved itself,
    and a commit callback for each would only fill memory."""
    token = _sessions_refreshed_by_the_writer.set(True)
    try:
        yield
    finally:
        _sessions_refreshed_by_the_writer.reset(token)


def _session_saved(sender, instance, using, update_fields=None, **kwargs):
    if _touches(update_fields, SESSION_FIELDS) and not _sessions_refreshed_by_the_writer.get():
        schedule_refresh(sessions=[instance.pk], using=using)


def _tags_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        schedule_refresh(sessions=[instance.pk], using=using)
    elif action == "pre_clear":
        # A tag cleared of its sessions: which ones is only known before.
        _tag_deleted(sender, instance, using)
    else:
        schedule_refresh(sessions=pk_set or (), using=using)


def _part_of_session_changed(sender, instance, using, **kwargs):
    # A participant or transcript saved or deleted.
    schedule_refresh(sessions=[instance.session_id], using=using)


def _speaker_saved(sender, instance, created, using, update_fields=None, **kwargs):
    # A new speaker has no sessions yet; a deleted one's participants are deleted
    # one by one, each refreshing its session.
    if not created and _touches(update_fields, SPEAKER_FIELDS):
        schedule_refresh(speakers=[instance.pk], using=using)


def _tag_saved(sender, instance, created, using, update_fields=None, **kwargs):
    if not created and _touches(update_fields, TAG_FIELDS):
        schedule_refresh(tags=[instance.pk], using=using)


def _tag_deleted(sender, instance, using, **kwargs):
    # Its links to sessions go with it (or are cleared), so its sessions are looked up now.
    schedule_refresh(
        sessions=Session.tags.through.objects.using(using)
        .filter(tag=instance.pk)
        .values_list("session_id", flat=True),
        using=using,
    )


def _session_deleted(sender, instance, using, **kwargs):
    # PostgreSQL's vector goes with the session's row; SQLite's row of words is apart.
    if not is_postgresql(using):
        schedule_refresh(sessions=[instance.pk], using=using)


def connect_signals() -> None:
    uid = "catalogue-search-"
    post_save.connect(_session_saved, sender=Session, dispatch_uid=f"{uid}session")
    post_delete.connect(_session_deleted, sender=Session, dispatch_uid=f"{uid}session-deleted")
    m2m_changed.connect(_tags_changed, sender=Session.tags.through, dispatch_uid=f"{uid}tags")
    for model in (Participant, Transcript):
        name = model._meta.model_name
        post_save.connect(_part_of_session_changed, sender=model, dispatch_uid=f"{uid}{name}")
        post_delete.connect(
            _part_of_session_changed, sender=model, dispatch_uid=f"{uid}{name}-deleted"
        )
    post_save.connect(_speaker_saved, sender=Speaker, dispatch_uid=f"{uid}speaker")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid=f"{uid}tag")
    pre_delete.connect(_tag_deleted, sender=Tag, dispatch_uid=f"{uid}tag-deleted")
