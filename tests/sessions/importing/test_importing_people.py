"""Importing speakers, tags and transcripts with sessions (DESIGN.md, "Import format")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.importing import Record, import_sessions
from sessions.models import Participant, Session, Speaker, Tag, Transcript
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    TagFactory,
    TranscriptFactory,
)
from tests.sessions.importing.test_importing import (
    database_snapshot,
    run_failing_import,
    run_import,
    session_record,
    write_file,
)

pytestmark = pytest.mark.django_db

GOVERNMENT = Speaker.StakeholderGroup.GOVERNMENT
CIVIL_SOCIETY = Speaker.StakeholderGroup.CIVIL_SOCIETY

SPEAKERS = [
    {
        "name": "Ana García",
        "organisation": "Secretaría de Comunicaciones y Transportes",
        "stakeholder": "Government",
        "role": "organiser",
    },
    {"name": "Bruno Costa", "organisation": "Rede", "stakeholder": "civil-society"},
    "Chidi Okafor",
    {"name": "Ana García", "organisation": "Secretaría de Comunicaciones y Transportes"},
    {"name": "Dana Lee", "role": "Moderator", "stakeholder": "technical community"},
]
RECORD = session_record(
    "mx-2015",
    speakers=SPEAKERS,
    tags=["National strategies", "Open data", "open DATA"],
    transcript="Good morning.\n\nLet us begin.",
)


def participants(key: str) -> list[tuple]:
    return list(
        Participant.objects.filter(session__key=key)
        .order_by("order")
        .values_list("speaker__name", "speaker__organisation", "role", "order")
    )


def read(*records) -> list[Record]:
    return [Record(f"index {number}", record) for number, record in enumerate(records)]


def test_import_reads_speakers_tags_and_transcript_from_json(tmp_path):
    out, err = run_import(write_file(tmp_path / "s.json", [RECORD]))

    assert "1 created" in out
    assert "Created tags: National strategies, Open data." in out
    assert "Created 4 speakers." in out
    assert err == ""
    secretaria = "Secretaría de Comunicaciones y Transportes"
    assert participants("mx-2015") == [
        ("Ana García", secretaria, "organiser", 0),
        ("Bruno Costa", "Rede", "speaker", 1),
        ("Chidi Okafor", "", "speaker", 2),
        ("Ana García", secretaria, "speaker", 3),
        ("Dana Lee", "", "moderator", 4),
    ]
    groups = dict(Speaker.objects.values_list("name", "stakeholder_group"))
    assert groups == {
        "Ana García": GOVERNMENT,
        "Bruno Costa": CIVIL_SOCIETY,
        "Chidi Okafor": "",
        "Dana Lee": Speaker.StakeholderGroup.TECHNICAL_COMMUNITY,
    }
    assert Speaker.objects.get(name="Ana García").slug == "ana-garcia"
    session = Session.objects.get(key="mx-2015")
    assert [tag.name for tag in session.tags.order_by("name")] == [
        "National strategies",
        "Open data",
    ]
    assert list(session.transcripts.values_list("language", "text")) == [
        ("en", "Good morning.\n\nLet us begin.")
    ]


def test_import_reads_speakers_and_tags_joined_with_semicolons_from_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "key,title,date,type,venue,speakers,tags,transcript\n"
        'a,First,2015-11-12,Workshop,"João Pessoa, Brazil", Ana García ;Bruno Costa;;,'
        'Open data; Youth,"Good morning.\n\nWelcome."\n',
        encoding="utf-8",
    )

    run_import(path)

    assert participants("a") == [
        ("Ana García", "", "speaker", 0),
        ("Bruno Costa", "", "speaker", 1),
    ]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Open data", "Youth"]
    assert Transcript.objects.get().text == "Good morning.\n\nWelcome."


@pytest.mark.parametrize("extension", [".json", ".jsonl", ".csv"])
def test_a_second_import_changes_nothing_and_creates_no_speakers_or_tags(tmp_path, extension):
    records = [
        RECORD if extension != ".csv" else session_record("mx-2015", speakers=["Ana", "Bruno"]),
        session_record("b", speakers=["Ana"], tags=["Youth"], transcript="Hello."),
    ]
    path = write_file(tmp_path / f"s{extension}", records)
    run_import(path)
    before = database_snapshot()

    out, err = run_import(path)

    assert "0 created, 0 updated, 2 unchanged, of 2 sessions" in out
    assert "Created" not in out
    assert err == ""
    assert database_snapshot() == before


def test_a_second_import_writes_no_rows():
    records = read(RECORD, session_record("b", speakers=["Chidi Okafor"], tags=["Youth"]))
    import_sessions(records=records)

    with CaptureQueriesContext(connection) as queries:
        result = import_sessions(records=records)

    assert result.unchanged == 2
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert [sql for sql in writes if "SAVEPOINT" not in sql.upper()] == []


def test_speakers_and_tags_match_existing_ones_whatever_their_case_and_spaces():
    ana = SpeakerFactory(name="Ana García", organisation="SCT", stakeholder_group=GOVERNMENT)
    tag = TagFactory(name="Open Data")

    result = import_sessions(
        records=read(
            session_record(
                "a",
                speakers=[{"name": "  ANA   garcía ", "organisation": "sct "}],
                tags=["  open   data"],
            )
        )
    )

    assert result.ok and result.new_speakers == 0 and result.new_tags == []
    session = Session.objects.get(key="a")
    assert list(session.speakers.all()) == [ana]
    assert list(session.tags.all()) == [tag]


def test_a_name_alone_is_the_only_speaker_of_that_name():
    ana = SpeakerFactory(name="Ana García", organisation="SCT")

    import_sessions(records=read(session_record("a", speakers=["ana garcía"])))

    assert list(Session.objects.get(key="a").speakers.all()) == [ana]
    assert Speaker.objects.count() == 1


def test_a_name_alone_may_be_a_speaker_given_with_an_organisation_later_in_the_file():
    import_sessions(
        records=read(
            session_record("a", speakers=["Ana García"]),
            session_record("b", speakers=[{"name": "Ana García", "organisation": "SCT"}]),
        )
    )

    ana = Speaker.objects.get()
    assert (ana.name, ana.organisation) == ("Ana García", "SCT")
    assert Participant.objects.filter(speaker=ana).count() == 2


def test_same_names_in_different_organisations_are_different_speakers():
    import_sessions(
        records=read(
            session_record(
                "a",
                speakers=[
                    {"name": "Ana García", "organisation": "SCT"},
                    {"name": "Ana García", "organisation": "UNAM"},
                ],
            )
        )
    )

    assert sorted(Speaker.objects.values_list("organisation", flat=True)) == ["SCT", "UNAM"]
    assert len(set(Speaker.objects.values_list("slug", flat=True))) == 2


def test_an_import_fills_in_a_missing_stakeholder_group_but_changes_no_other():
    blank = SpeakerFactory(name="Ana", organisation="SCT", stakeholder_group="")
    set_already = SpeakerFactory(name="Bruno", organisation="Rede", stakeholder_group=CIVIL_SOCIETY)

    result = import_sessions(
        records=read(
            session_record(
                "a",
                speakers=[
                    {"name": "Ana", "organisation": "SCT", "stakeholder": "Government"},
                    {"name": "Bruno", "organisation": "Rede", "stakeholder": "Private Sector"},
                ],
            )
        )
    )

    assert result.completed_speakers == 1
    assert "Filled in the stakeholder group of 1 speaker." in result.summary()
    blank.refresh_from_db()
    set_already.refresh_from_db()
    assert blank.stakeholder_group == GOVERNMENT
    assert set_already.stakeholder_group == CIVIL_SOCIETY


def test_a_reimport_replaces_the_participants_tags_and_english_transcript():
    session = SessionFactory(key="a")
    ParticipantFactory(session=session, speaker=SpeakerFactory(name="Old speaker"))
    session.tags.set([TagFactory(name="Old tag")])
    TranscriptFactory(session=session, language="en", text="Old text.")
    TranscriptFactory(session=session, language="es", text="Texto.")

    result = import_sessions(
        records=read(
            session_record(
                "a",
                title=session.title,
                speakers=["New speaker", {"name": "Old speaker", "role": "rapporteur"}],
                tags=["New tag"],
                transcript="New text.",
            )
        )
    )

    assert result.updated == 1
    assert participants("a") == [
        ("New speaker", "", "speaker", 0),
        ("Old speaker", "Ministry of Communications", "rapporteur", 1),
    ]
    assert [tag.name for tag in session.tags.all()] == ["New tag"]
    assert dict(session.transcripts.values_list("language", "text")) == {
        "en": "New text.",
        "es": "Texto.",
    }


def test_reordering_the_speakers_is_an_update():
    import_sessions(records=read(session_record("a", speakers=["Ana", "Bruno"])))

    result = import_sessions(records=read(session_record("a", speakers=["Bruno", "Ana"])))

    assert result.updated == 1
    assert [name for name, *_ in participants("a")] == ["Bruno", "Ana"]


def test_empty_values_remove_participants_tags_and_the_english_transcript():
    import_sessions(
        records=read(session_record("a", speakers=["Ana"], tags=["Youth"], transcript="Hi."))
    )

    result = import_sessions(records=read(session_record("a", speakers=[], tags=[], transcript="")))

    assert result.updated == 1
    session = Session.objects.get(key="a")
    assert not session.participants.exists()
    assert not session.tags.exists()
    assert not session.transcripts.exists()
    # The speaker and the tag stay in the catalogue.
    assert Speaker.objects.count() == Tag.objects.count() == 1


def test_leaving_the_fields_out_keeps_participants_tags_and_transcript():
    import_sessions(
        records=read(session_record("a", speakers=["Ana"], tags=["Youth"], transcript="Hi."))
    )

    result = import_sessions(records=read(session_record("a")))

    assert result.unchanged == 1
    session = Session.objects.get(key="a")
    assert session.participants.count() == session.tags.count() == 1
    assert session.transcripts.get().text == "Hi."


def test_unknown_fields_of_a_speaker_are_warnings(tmp_path):
    record = session_record("a", speakers=[{"name": "Ana", "twitter": "@ana", "age": 40}])

    out, err = run_import(write_file(tmp_path / "s.json", [record]))

    assert "1 created" in out
    assert 'index 0, field "speakers.twitter": is not part of the import format; skipped' in err
    assert 'index 0, field "speakers.age": is not part of the import format' in err


def test_a_dry_run_reports_new_speakers_and_tags_and_writes_nothing(tmp_path):
    before = database_snapshot()

    out, _ = run_import(write_file(tmp_path / "s.json", [RECORD]), "--dry-run")

    assert "Would create tags: National strategies, Open data." in out
    assert "Would create 4 speakers." in out
    assert database_snapshot() == before


def test_checking_speakers_and_tags_costs_the_same_queries_whatever_the_files_length():
    SessionFactory(key="existing")

    def queries_for(count):
        records = read(
            *(
                session_record(
                    f"k-{n}",
                    speakers=[f"Speaker {n}", {"name": "Ana", "organisation": f"Org {n % 3}"}],
                    tags=[f"Tag {n}"],
                    transcript=f"Text {n}",
                )
                for n in range(count)
            )
        )
        with CaptureQueriesContext(connection) as queries:
            import_sessions(records=records, dry_run=True)
        return len(queries)

    assert queries_for(1) == queries_for(60)


# Errors: each names the record and the field, and the database is left as it was.

ERROR_CASES = {
    "unknown stakeholder": (
        [session_record("a", speakers=[{"name": "Ana", "stakeholder": "Media"}])],
        'index 0 (key "a"), field "speakers": speaker 1: "Media" is not a stakeholder group; '
        "use one of: Government, Civil Society, Private Sector, Technical Community, "
        "Intergovernmental Organization",
    ),
    "unknown role": (
        [session_record("a", speakers=["Bruno", {"name": "Ana", "role": "chair"}])],
        'index 0 (key "a"), field "speakers": speaker 2: "chair" is not a role; use one of: '
        "Organiser, Speaker, Moderator, Rapporteur",
    ),
    "speaker without a name": (
        [session_record("a", speakers=[{"organisation": "SCT"}])],
        'index 0 (key "a"), field "speakers": speaker 1: has no name',
    ),
    "speaker as a number": (
        [session_record("a", speakers=[42])],
        'index 0 (key "a"), field "speakers": speaker 1: must be a name or an object with a name, '
        "not a number",
    ),
    "speakers not a list": (
        [session_record("a", speakers="Ana, Bruno")],
        'index 0 (key "a"), field "speakers": must be a list, not text',
    ),
    "speaker name too long": (
        [session_record("a", speakers=["x" * 201])],
        'index 0 (key "a"), field "speakers": speaker 1: is 201 characters long; the limit is 200',
    ),
    "organisation not text": (
        [session_record("a", speakers=[{"name": "Ana", "organisation": ["SCT"]}])],
        'index 0 (key "a"), field "speakers": speaker 1: must be text, not a list',
    ),
    "ambiguous name": (
        [session_record("a", speakers=["Ana García"])],
        'index 0 (key "a"), field "speakers": "Ana García" is the name of several speakers '
        "(SCT; UNAM); give the organisation",
    ),
    "tags not a list": (
        [session_record("a", tags="Youth")],
        'index 0 (key "a"), field "tags": must be a list, not text',
    ),
    "tag too long": (
        [session_record("a", tags=["x" * 101])],
        'index 0 (key "a"), field "tags": is 101 characters long; the limit is 100',
    ),
    "transcript as an object": (
        [session_record("a", transcript={"en": "Hello"})],
        'index 0 (key "a"), field "transcript": must be text, not an object',
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_an_invalid_speaker_tag_or_transcript_aborts_the_import(tmp_path, case):
    SpeakerFactory(name="Ana García", organisation="SCT")
    SpeakerFactory(name="Ana García", organisation="UNAM")
    before = database_snapshot()
    records, expected = ERROR_CASES[case]
    # A valid session with new speakers and tags rides along; it may not be written.
    records = [*records, session_record("ok", speakers=["New"], tags=["New tag"])]
    path = write_file(tmp_path / "s.json", records)

    message = run_failing_import(path)

    assert f"error: {path}, {expected}" in message
    assert database_snapshot() == before


def test_every_speaker_error_in_a_file_is_reported_at_once(tmp_path):
    records = [
        session_record("a", speakers=[{"name": "Ana", "stakeholder": "Media"}]),
        session_record("b", speakers=[{"name": "Bruno", "role": "chair"}]),
    ]

    message = run_failing_import(write_file(tmp_path / "s.json", records))

    assert 'index 0 (key "a"), field "speakers"' in message
    assert 'index 1 (key "b"), field "speakers"' in message
    assert "2 errors" in message


def test_a_file_names_choices_in_english_whatever_language_is_active():
    """An import started while the interface speaks Spanish still reads "Government"."""
    from django.utils import translation

    with translation.override("es"):
        import_sessions(records=read(RECORD))
    assert Speaker.objects.get(name="Ana García").stakeholder_group == GOVERNMENT
    assert Participant.objects.filter(session__key="mx-2015", role="moderator").exists()
