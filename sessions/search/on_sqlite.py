"""Search on SQLite: an FTS5 table of each session's words, read as PostgreSQL reads its
vector.

`catalogue_session_text` (made by migration 0016) holds a row per session, its rowid the
session's id, in four columns that are the vector's four weights: the title; tag names,
speakers' names and organisations; the description and the session report without their
HTML; the transcripts. Its tokenizer stems English words as PostgreSQL does ("strategy"
finds "strategies"). `sessions.search.vectors` rewrites the rows of the sessions a change
touched whenever it would refresh their vectors.

Sessions join the table by a fifth, unindexed column holding the id again. FTS5 can find
a row by its rowid, so joined by rowid SQLite may run the search once per session of the
list (1.4 s for a word at 20,000 sessions); joined by a column it cannot, so it runs the
search once and looks each match's session up (30 ms).

What a visitor types is read as PostgreSQL reads it (sessions.search.fts5_query).
"""

import html
import re
from collections.abc import Iterable

from django.apps import apps as installed_apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Lookup,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat, Least, Length, Replace
from django.db.models.lookups import LessThan

from sessions.models import Session
from sessions.models.session import REPORT_FIELDS

from .fts5_query import full_text_query
from .languages import separated

TABLE = "catalogue_session_text"
COLUMNS = ("title", "people_and_tags", "text", "transcripts")
# PostgreSQL's ts_rank weights of A, B, C and D, which the columns hold.
WEIGHTS = (1.0, 0.4, 0.2, 0.1)
# Sessions read and written per statement (each is a parameter of an IN list).
BATCH = 500
INSERT = (
    f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}, session_id) VALUES (%s, %s, %s, %s, %s, %s)"
)
HTML_TAG = re.compile(r"<[^>]*>")  # as vectors.description_text removes them
HIT = "\x1f"  # marks hits when counting them; control characters are no words


def is_sqlite(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "sqlite"


class Match(Lookup):
    """`table MATCH query`: the sessions whose row matches an FTS5 query."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class TableColumn(models.TextField):
    """FTS5's hidden column of the table's own name: what MATCH and bm25() take. It holds
    no text (FTS5 answers a number of its own when it is read), so it is never read."""

    def select_format(self, compiler, sql, params):
        return "NULL", []

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


TableColumn.register_lookup(Match)


class OnSQLite(models.Manager):
    """Rows on SQLite; none elsewhere, where there is no table (for code that reads every
    model, such as tests' snapshots of the database)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if is_sqlite(queryset.db) else queryset.none()


class SessionText(models.Model):
    """A row of the FTS5 table, to join sessions to (created by migration 0016, on
    SQLite only; nothing reads or writes it on PostgreSQL)."""

    session = models.OneToOneField(
        Session,
        models.DO_NOTHING,
        primary_key=True,
        db_column="session_id",
        db_constraint=False,
        related_name="full_text",
    )
    title = models.TextField()
    people_and_tags = models.TextField()
    text = models.TextField()
    transcripts = models.TextField()
    words = TableColumn(db_column=TABLE)  # `words__match=` is MATCH

    objects = OnSQLite()

    class Meta:
        managed = False
        db_table = TABLE
        default_permissions = ()

    def __str__(self):
        return self.title


# Matching and ranking.


def search(queryset: QuerySet[Session], text: str) -> QuerySet[Session]:
    """The sessions of `queryset` matching `text`, joined to their rows, with their
    relevance as the alias `search_rank` (see `_rank`)."""
    query = full_text_query(text)
    if query is None:  # nothing to search: nothing found, as on PostgreSQL
        return queryset.none().alias(search_rank=Value(0.0))
    if not query.match:
        found = SessionText.objects.filter(words__match=query.exclude).values("session_id")
        return queryset.exclude(pk__in=found).alias(search_rank=Value(0.0))
    words = F("full_text__words")
    # A lookup through the relation, so that the join is an inner one, which SQLite
    # can start from the FTS5 index by.
    return queryset.filter(full_text__words__match=query.match).alias(
        search_rank=_rank(words, query.phrases)
    )


def _rank(words: F, phrases: int) -> ExpressionWrapper:
    """PostgreSQL's weights given to where a session matches: the share of the search's
    phrases found in the title (1.0) and in tags and people (0.4); 0.2 if the
    description or report matches, 0.1 if a transcript does.

    Not bm25 itself: it divides by the length of the whole row, so a long transcript
    would put a session matching in its title below one matching in a short
    description. Equal ranks are ordered by views, as the rounded rank is on PostgreSQL.
    """
    title, people = (
        Least(_hits(words, column), Value(phrases)) * Value(WEIGHTS[column] / phrases)
        for column in (0, 1)
    )
    text, transcripts = (
        Case(When(_matches_in(words, column), then=Value(WEIGHTS[column])), default=Value(0.0))
        for column in (2, 3)
    )
    return ExpressionWrapper(title + people + text + transcripts, FloatField())


def _hits(words: F, column: int) -> CombinedExpression:
    """The places the search matches in a (short) column, counted in its highlight()."""
    marked = Func(
        words, Value(column), Value(HIT), Value(""), function="highlight",
        output_field=TextField(),
    )  # fmt: skip
    return Length(marked) - Length(Replace(marked, Value(HIT), Value("")))


def _matches_in(words: F, column: int) -> LessThan:
    """Whether the search matches in `column`: bm25() counting that column alone is below
    0 just then, and reads no text."""
    weights = [Value(1.0 if each == column else 0.0) for each in range(len(COLUMNS))]
    return LessThan(Func(words, *weights, function="bm25", output_field=FloatField()), 0)


# Snippets.


def headlines(
    session_ids: list[int], text: str, *, using: str, marks: tuple[str, str], ellipsis: str,
    words: int,
) -> dict[int, str]:  # fmt: skip
    """Each session's extract, plain text with the words matched between `marks`: the
    description or report where they match, else the transcripts where they do, else
    the title where it does, else the description's first words. One query."""
    query = full_text_query(text)
    rows = SessionText.objects.using(using).filter(session_id__in=session_ids)
    if query is None or not query.match:  # nothing to mark
        return {pk: " ".join(plain.split()[:words]) for pk, plain in rows.values_list("pk", "text")}
    column = F("words")

    def snippet(index: int) -> Func:
        return Func(
            column, Value(index), *map(Value, marks), Value(ellipsis), Value(words),
            function="snippet", output_field=TextField(),
        )  # fmt: skip

    extracts = rows.filter(words__match=query.match).values_list(
        "pk",
        snippet(2),
        # Transcripts are long: read only when the description does not match.
        Case(When(_matches_in(column, 2), then=Value(None)), default=snippet(3)),
        Func(column, Value(0), *map(Value, marks), function="highlight", output_field=TextField()),
    )
    return {
        pk: next((each for each in found if each and marks[0] in each), found[0] or "")
        for pk, *found in extracts
    }


# Keeping the rows.


def refresh_rows(session_ids: Iterable[int], *, using: str, apps=installed_apps) -> int:
    """Write the rows of `session_ids` again (none for a session deleted since); returns
    how many were written. `apps` are a migration's models, when one fills the table."""
    if not is_sqlite(using):
        return 0
    ids = list(dict.fromkeys(session_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = _rows(batch, using, apps)
        placeholders = ", ".join(["%s"] * len(batch))
        # Never a session without its row, should the insert fail.
        with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as c:
            c.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({placeholders})", batch)
            if rows:
                c.executemany(INSERT, rows)
        written += len(rows)
    return written


def remove_rows_of_deleted_sessions(*, using: str) -> int:
    """Remove the rows no session has any more (`flush` and other deletions that bypass
    the models leave them behind); returns how many were removed."""
    if not is_sqlite(using):
        return 0
    table = connections[using].ops.quote_name(Session._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid NOT IN (SELECT id FROM {table})")
        return cursor.rowcount


def _rows(session_ids: list[int], using: str, apps) -> list[tuple]:
    """Each session's id and columns, read in one query."""
    session = apps.get_model("catalogue", "Session")
    participant = apps.get_model("catalogue", "Participant")
    transcript = apps.get_model("catalogue", "Transcript")
    rows = session._base_manager.using(using).filter(pk__in=session_ids).values_list(
        "pk", "title", "description", *REPORT_FIELDS,
        _joined(session.tags.through.objects.filter(session=OuterRef("pk")), "tag__name"),
        _joined(
            participant.objects.filter(session=OuterRef("pk")),
            Concat("speaker__name", Value(" "), "speaker__organisation"),
        ),
        _joined(transcript.objects.filter(session=OuterRef("pk")), "text"),
    )  # fmt: skip
    # As INSERT names them.
    return [
        (
            pk,
            separated(title),
            separated("\n".join(filter(None, [tags, people]))),
            separated(_plain(marked_up)),
            separated(spoken or ""),
            pk,
        )
        for pk, title, *marked_up, tags, people, spoken in rows
    ]


def _joined(related: QuerySet, field) -> Subquery:
    """The values of `field` in `related`, one a line ("" when there are none)."""
    expression = F(field) if isinstance(field, str) else field
    return Subquery(
        related.order_by().values(
            joined=Func(expression, Value("\n"), function="group_concat", output_field=TextField())
        ),
        output_field=TextField(),
    )


def _plain(html_fields: list[str]) -> str:
    """The description and report as text: their tags gone, their entities read."""
    return "\n".join(html.unescape(HTML_TAG.sub(" ", each)) for each in html_fields if each)
