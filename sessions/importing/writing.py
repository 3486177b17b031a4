"""Writing the changes of one checked chunk of records after another (`Writer`): the
sessions, their links, strategies, participants, tags, transcripts, recordings and
linked documents, and the speakers, types, topics, venues and tags the import creates."""

from collections import defaultdict
from collections.abc import Callable

from sessions.models import (
    Document,
    Meeting,
    Participant,
    Recording,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from sessions.search import refresh_search_vectors

from .indexing import Catalogue, in_batches
from .meetings import CatalogueMeetings, FileMeeting, write_meetings
from .planning import CREATE, PLAIN_FIELDS, UNCHANGED, SessionChange
from .records import TRANSCRIPT_LANGUAGE
from .speakers import SpeakerDirectory


class Writer:
    """Writes the changes of one chunk of records after another.

    It keeps only what later chunks need: the types, topics, venues, tags and speakers
    that exist so far, and the hand links to sessions further on in the file, written
    once those sessions are. A link to a session that exists already is written with
    its chunk: keeping every link of a big file until the end would grow memory with it.
    """

    def __init__(self, catalogue: Catalogue):
        self.types = _NamedRows(SessionType, catalogue.types, lambda name: {"name": name})
        self.topics = _NamedRows(Topic, catalogue.topics, lambda name: {"name": name})
        self.venues = _NamedRows(
            Venue, catalogue.venues, lambda place: {"city": place[0], "country": place[1]}
        )
        self.tags = _NamedRows(Tag, catalogue.tags, lambda name: {"name": name})
        self.catalogue_meetings: CatalogueMeetings = catalogue.meetings
        self.file_meetings: dict[str, Meeting] = {}  # by key, once written
        self.pk_of_speaker = _write_speakers(catalogue.speakers)
        # Key of a session not written yet: the ids of the sessions linking to it.
        self.waiting: dict[str, list[int]] = defaultdict(list)

    def write(self, changes: list[SessionChange]) -> None:
        pk_of_key = {}
        for change in changes:
            if change.outcome != UNCHANGED:
                meeting = self.file_meetings.get(change.meeting_key)
                meeting = meeting or self.catalogue_meetings.by_slug[change.meeting_key]
                session = _save(change, meeting, self.types, self.topics)
                pk_of_key[change.key] = session.pk

        self._write_links(changes, pk_of_key)

        Presents = Session.strategies.through
        represented = [change for change in changes if change.strategies_changed]
        for batch in in_batches(represented):
            Presents.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
        Presents.objects.bulk_create(
            Presents(session_id=pk_of_key[change.key], strategy_id=strategy_id)
            for change in represented
            for strategy_id in change.strategy_ids
        )

        self._write_participants(changes, pk_of_key)
        self._write_tags(changes, pk_of_key)
        _write_transcripts(changes, pk_of_key)
        _write_recordings(changes, pk_of_key)
        _write_documents(changes, pk_of_key)
        # Links and transcripts go in in bulk, without signals: the search vectors of the
        # sessions the chunk changed are refreshed here.
        refresh_search_vectors(pk_of_key.values())

    def write_meetings(self, meetings: list[FileMeeting]) -> None:
        """Create or update the file's meetings, before any session names one."""
        self.file_meetings = write_meetings(meetings, self.catalogue_meetings, self.venues)

    def _write_links(self, changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
        """Replace the hand links of the chunk's sessions whose links changed: those to a
        session that exists by now at once, the others once it is written; and write the
        links that were waiting for a session the chunk created."""
        Related = Session.related.through
        relinked = [change for change in changes if change.related_changed]
        for batch in in_batches(relinked):
            Related.objects.filter(from_session__in=[pk_of_key[c.key] for c in batch]).delete()
        pk_of_related = {}
        for batch in in_batches({key for c in relinked for key in c.related_keys}):
            pk_of_related.update(Session.objects.filter(key__in=batch).values_list("key", "pk"))
        links = []
        for change in relinked:
            for key in change.related_keys:
                if key in pk_of_related:
                    links.append((pk_of_key[change.key], pk_of_related[key]))
                else:
                    self.waiting[key].append(pk_of_key[change.key])
        for key, pk in pk_of_key.items():
            links += [(session_id, pk) for session_id in self.waiting.pop(key, ())]
        Related.objects.bulk_create(
            Related(from_session_id=session_id, to_session_id=related_id)
            for session_id, related_id in links
        )

    def _write_participants(self, changes: list[SessionChange], pk_of_key: dict[str, int]):
        recast = [change for change in changes if change.participants_changed]
        for batch in in_batches(recast):
            Participant.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
        Participant.objects.bulk_create(
            Participant(
                session_id=pk_of_key[change.key],
                speaker_id=self.pk_of_speaker[identity],
                role=role,
                order=order,
            )
            for change in recast
            for order, (identity, role) in enumerate(change.participants)
        )

    def _write_tags(self, changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
        Tagged = Session.tags.through
        retagged = [change for change in changes if change.tags_changed]
        for batch in in_batches(retagged):
            Tagged.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
        Tagged.objects.bulk_create(
            Tagged(session_id=pk_of_key[change.key], tag_id=self.tags.get(name).pk)
            for change in retagged
            for name in change.values["tags"]
        )


def _write_speakers(speakers: SpeakerDirectory) -> dict[tuple[str, str], int]:
    """Create the new speakers and complete the existing ones; the id of each by identity."""
    pk_of_speaker = {identity: speaker.pk for identity, speaker in speakers.existing.items()}
    for identity, entry in speakers.new.items():
        speaker = Speaker(
            name=entry.name, organisation=entry.organisation, stakeholder_group=entry.stakeholder
        )
        speaker.save()  # one at a time, for its unique slug
        pk_of_speaker[identity] = speaker.pk
    completions = defaultdict(list)
    for identity, stakeholder in speakers.completions.items():
        completions[stakeholder].append(pk_of_speaker[identity])
    for stakeholder, pks in completions.items():
        for batch in in_batches(pks):
            Speaker.objects.filter(pk__in=batch).update(stakeholder_group=stakeholder)
    return pk_of_speaker


def _write_transcripts(changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
    """Set the transcript of each session whose transcript changed; empty text removes it."""
    rewritten = [change for change in changes if change.transcript_changed]
    for batch in in_batches(rewritten):
        Transcript.objects.filter(
            session__in=[pk_of_key[c.key] for c in batch], language=TRANSCRIPT_LANGUAGE
        ).delete()
    Transcript.objects.bulk_create(
        Transcript(
            session_id=pk_of_key[change.key],
            language=TRANSCRIPT_LANGUAGE,
            text=change.values["transcript"],
        )
        for change in rewritten
        if change.values["transcript"]
    )


def _write_recordings(changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
    """Replace the recordings of each session whose recordings changed."""
    replaced = [change for change in changes if change.recordings_changed]
    for batch in in_batches(replaced):
        Recording.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
    Recording.objects.bulk_create(
        Recording(
            session_id=pk_of_key[change.key],
            url=entry.url,
            language=entry.language,
            title=entry.title,
            length=entry.length,
            order=entry.order,
        )
        for change in replaced
        for entry in change.values["recordings"]
    )


def _write_documents(changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
    """Replace the linked documents of each session whose links changed; the files
    uploaded in the admin stay as they are."""
    replaced = [change for change in changes if change.documents_changed]
    for batch in in_batches(replaced):
        Document.objects.filter(session__in=[pk_of_key[c.key] for c in batch], file="").delete()
    Document.objects.bulk_create(
        Document(
            session_id=pk_of_key[change.key],
            url=entry.url,
            title=entry.title,
            kind=entry.kind,
            language=entry.language,
            order=entry.order,
        )
        for change in replaced
        for entry in change.values["documents"]
    )


def _save(change: SessionChange, meeting: Meeting, types, topics) -> Session:
    values = change.values
    session = change.session
    if session is None:
        session = Session(key=change.key, views=values.get("views", 0))
    for name in PLAIN_FIELDS:
        if name in values:
            setattr(session, name, values[name])  # save() sanitises the description
    if "type" in values:
        session.type = types.get(values["type"])
    if "topic" in values:
        session.topic = topics.get(values["topic"])
    session.meeting = meeting

    if change.outcome == CREATE:
        session.save()
    else:
        # Only the fields the import sets: never `views`, which visitors keep counting.
        given = [name for name in (*PLAIN_FIELDS, "type", "topic") if name in values]
        session.save(update_fields=[*given, "meeting", "updated_at", "published_at"])
    return session


class _NamedRows:
    """Session types, topics or venues by casefolded name; a new one is created on first use."""

    def __init__(self, model, existing: dict, fields_of: Callable[[object], dict]):
        self.model = model
        self.rows = dict(existing)
        self.fields_of = fields_of

    def get(self, name: str | tuple[str, str]):
        folded = (
            tuple(part.casefold() for part in name) if isinstance(name, tuple) else name.casefold()
        )
        if folded not in self.rows:
            self.rows[folded] = self.model.objects.create(**self.fields_of(name))
        return self.rows[folded]
