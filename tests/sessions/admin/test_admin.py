"""The editors' admin, used through the real admin views as an editor would use it."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from sessions.models import (
    DailyViews,
    Participant,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Venue,
)
from strategies.models import Enabler, Objective, Strategy
from tests.factories import (
    DailyViewsFactory,
    EnablerFactory,
    MeetingFactory,
    ObjectiveFactory,
    ParticipantFactory,
    RecordingFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    TranscriptFactory,
    VenueFactory,
    meeting_held_at,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # EditorFactory's
MEXICO = "Mexico's National Digital Strategy"
OBJECTIVES = [
    "Government transformation",
    "Digital economy",
    "Quality education",
    "Effective universal health",
    "Public safety",
]
ENABLERS = [
    "Connectivity",
    "Digital skills and inclusion",
    "Interoperability",
    "Legal framework",
    "Open data",
]


@pytest.fixture
def mexico():
    strategy = StrategyFactory(name=MEXICO, country="Mexico", year=2013)
    for order, name in enumerate(OBJECTIVES):
        ObjectiveFactory(strategy=strategy, name=name, order=order)
    for order, name in enumerate(ENABLERS):
        EnablerFactory(strategy=strategy, name=name, order=order)
    return strategy


def inline_forms(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    """The POST data of an inline formset: its management form, then `rows`."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def session_form(session=None, **changes) -> dict:
    """The fields of the session add/change form, filled from `session` and `changes`."""
    data = {
        "title": "",
        "language": "en",
        "slug": "",
        "key": "",
        "date": "",
        "start_time": "",
        "end_time": "",
        "meeting": "",
        "type": "",
        "topic": "",
        "description": "",
        "strategies": [],
        "objectives": [],
        "enablers": [],
        "url": "",
        "related": [],
        "status": Session.Status.DRAFT,
        "views": "",
        "tags": [],
        **inline_forms("participants", []),
        **inline_forms("recordings", []),
        **inline_forms("documents", []),
        **inline_forms("transcripts", []),
        "_save": "Save",
    }
    if session is not None:
        data.update(
            title=session.title,
            language=session.language,
            slug=session.slug,
            key=session.key,
            date=session.date.isoformat(),
            meeting=session.meeting_id,
            type=session.type_id,
            topic=session.topic_id,
            description=session.description,
            strategies=[s.pk for s in session.strategies.all()],
            objectives=[o.pk for o in session.objectives.all()],
            enablers=[e.pk for e in session.enablers.all()],
            url=session.url,
            related=[r.pk for r in session.related.all()],
            tags=[t.pk for t in session.tags.all()],
            status=session.status,
            views=session.views,
        )
    data.update(changes)
    return data


def new_session_form(**changes) -> dict:
    venue = VenueFactory(city="João Pessoa", country="Brazil")
    return session_form(
        title="Mexico: The National Digital Strategy and the MSH model",
        key="igf2015-mexico-msh",
        date="2015-11-12",
        meeting=meeting_held_at(venue, datetime.date(2015, 11, 12)).pk,
        type=SessionTypeFactory(name="Workshop").pk,
        topic=TopicFactory(name="Other").pk,
        **changes,
    )


def run_action(client, action: str, sessions) -> object:
    return client.post(
        reverse("admin:catalogue_session_changelist"),
        {
            "action": action,
            "select_across": "0",
            "index": "0",
            "_selected_action": [session.pk for session in sessions],
        },
        follow=True,
    )


# The editor's whole round: log in, add a session, publish it, see it on the site.


def test_editor_adds_and_publishes_a_session_that_appears_on_the_site(editor, mexico):
    main_session = SessionFactory(title="Main Session 2007", views=1127)
    best_practice = SessionFactory(title="Best Practice Forum 2007", views=852)
    client = Client()

    response = client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"

    add_page = client.get(reverse("admin:catalogue_session_add"))
    assert add_page.status_code == 200
    objectives = list(mexico.objectives.all()[:2])
    enablers = list(mexico.enablers.all()[:1])
    response = client.post(
        reverse("admin:catalogue_session_add"),
        new_session_form(
            description="<p>Mexico's National Digital Strategy and its 5 objectives.</p>",
            strategies=[mexico.pk],
            objectives=[o.pk for o in objectives],
            enablers=[e.pk for e in enablers],
            related=[main_session.pk, best_practice.pk],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(key="igf2015-mexico-msh")
    assert session.slug == "mexico-the-national-digital-strategy-and-the-msh-model"
    assert session.status == Session.Status.DRAFT
    assert list(session.strategies.all()) == [mexico]
    assert set(session.objectives.all()) == set(objectives)
    assert set(session.enablers.all()) == set(enablers)
    assert set(session.related.all()) == {main_session, best_practice}

    response = run_action(client, "publish", [session])
    assert "Published 1 session." in response.content.decode()

    page = Client().get(session.get_absolute_url())
    assert page.status_code == 200
    assert "Mexico: The National Digital Strategy and the MSH model" in page.content.decode()


# Who may do what.


@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_editor_is_refused_the_accounts_admin(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_editor_has_no_rights_on_accounts(editor):
    assert editor.is_staff and not editor.is_superuser
    for permission in ["add_user", "change_user", "view_user", "add_group", "change_permission"]:
        assert not editor.has_perm(f"auth.{permission}")
    assert editor.has_perm("catalogue.add_session")


def test_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get("/admin/catalogue/session/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/catalogue/session/"


def test_editors_group_has_every_catalogue_permission_and_nothing_else():
    expected = {
        (model._meta.app_label, f"{action}_{model._meta.model_name}")
        for app_label in ["catalogue", "strategies"]
        for model in apps.get_app_config(app_label).get_models()
        # Every model editors manage (not the catalogue's version, which has none).
        for action in model._meta.default_permissions
    }
    editors = Group.objects.get(name="Editors")
    granted = set(editors.permissions.values_list("content_type__app_label", "codename"))
    assert granted == expected
    assert not Permission.objects.filter(group=editors, content_type__app_label="auth").exists()


def test_admin_site_has_the_catalogue_titles(editor_client):
    page = editor_client.get("/admin/").content.decode()
    assert "IGF Session Catalogue administration" in page
    assert '<a href="/">View site</a>' in page


# Publishing.


def test_publish_action_publishes_drafts_and_keeps_first_publication_date(editor_client):
    first_published = datetime.datetime(2015, 11, 12, 9, 0, tzinfo=datetime.UTC)
    drafts = SessionFactory.create_batch(2, status=Session.Status.DRAFT)
    republished = SessionFactory(status=Session.Status.DRAFT)
    Session.objects.filter(pk=republished.pk).update(published_at=first_published)
    untouched = SessionFactory(status=Session.Status.DRAFT)

    response = run_action(editor_client, "publish", [*drafts, republished])

    assert "Published 3 sessions." in response.content.decode()
    for session in [*drafts, republished]:
        session.refresh_from_db()
        assert session.status == Session.Status.PUBLISHED
        assert session.published_at is not None
    assert republished.published_at == first_published
    untouched.refresh_from_db()
    assert untouched.status == Session.Status.DRAFT


def test_unpublish_action_turns_sessions_back_into_drafts(editor_client):
    published = SessionFactory.create_batch(2)
    untouched = SessionFactory()

    response = run_action(editor_client, "unpublish", published)

    assert "Unpublished 2 sessions; they are drafts again." in response.content.decode()
    assert set(Session.objects.filter(status=Session.Status.DRAFT)) == set(published)
    untouched.refresh_from_db()
    assert untouched.status == Session.Status.PUBLISHED


# The session form.


def test_view_count_cannot_be_changed_through_the_admin(editor_client):
    session = SessionFactory(views=1127)
    url = reverse("admin:catalogue_session_change", args=[session.pk])

    response = editor_client.post(url, session_form(session, views=5, title="Retitled"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Retitled"
    assert session.views == 1127


def test_key_is_editable(editor_client):
    session = SessionFactory(key="old-key")
    url = reverse("admin:catalogue_session_change", args=[session.pk])

    editor_client.post(url, session_form(session, key="igf2015-ws-42"))

    session.refresh_from_db()
    assert session.key == "igf2015-ws-42"


def test_objectives_and_enablers_must_belong_to_the_selected_strategies(editor_client, mexico):
    other = StrategyFactory(name="Another Strategy")
    stray_objective = ObjectiveFactory(strategy=other, name="Digital economy")
    stray_enabler = EnablerFactory(strategy=other, name="Open data")

    response = editor_client.post(
        reverse("admin:catalogue_session_add"),
        new_session_form(
            strategies=[mexico.pk],
            objectives=[mexico.objectives.first().pk, stray_objective.pk],
            enablers=[stray_enabler.pk],
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Digital economy — Another Strategy" in errors["objectives"][0]
    assert "Open data — Another Strategy" in errors["enablers"][0]
    assert not Session.objects.filter(key="igf2015-mexico-msh").exists()


def test_session_cannot_be_related_to_itself(editor_client):
    session = SessionFactory()
    url = reverse("admin:catalogue_session_change", args=[session.pk])

    response = editor_client.post(url, session_form(session, related=[session.pk]))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["related"] == [
        "A session cannot be related to itself."
    ]


def test_an_editor_gives_a_session_its_language_and_its_page_marks_it(editor_client, client):
    session = SessionFactory(status=Session.Status.PUBLISHED)
    url = reverse("admin:catalogue_session_change", args=[session.pk])

    response = editor_client.post(url, session_form(session, language="ar"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.language == "ar"
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'<h1 lang="ar" dir="rtl">{session.title}</h1>' in page


def test_the_session_list_filters_by_language(editor_client):
    SessionFactory(title="Gobernanza", language="es-419")
    SessionFactory(title="Governance")
    SessionFactory(title="Governação", language="pt-BR")
    url = reverse("admin:catalogue_session_changelist")

    def titles(query: str) -> list[str]:
        response = editor_client.get(url + query)
        return sorted(session.title for session in response.context["cl"].result_list)

    assert titles("?language=es") == ["Gobernanza"]
    assert titles("?language=en") == ["Governance"]
    assert titles("?language=other") == ["Governação"]
    page = editor_client.get(url, headers={"accept-language": "es"}).content.decode()
    assert "Árabe" in page and "Otro idioma" in page


def test_a_language_that_is_no_language_code_is_refused(editor_client):
    session = SessionFactory()
    url = reverse("admin:catalogue_session_change", args=[session.pk])

    response = editor_client.post(url, session_form(session, language="Arabic!"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["language"] == [
        "Enter a language code such as en, es, fr, ar, zh or pt-BR."
    ]
    session.refresh_from_db()
    assert session.language == "en"


def test_selected_objectives_are_labelled_with_their_strategy(editor_client, mexico):
    session = SessionFactory(strategies=[mexico])
    session.objectives.set(mexico.objectives.filter(name="Digital economy"))

    page = editor_client.get(reverse("admin:catalogue_session_change", args=[session.pk]))

    assert "Digital economy — Mexico&#x27;s National Digital Strategy" in page.content.decode()


def test_hostile_description_is_sanitised_when_saved(editor_client):
    hostile = (
        "<h2>Outcomes</h2><script>alert(1)</script><style>body{display:none}</style>"
        '<p onclick="alert(2)">Pasted <em>from</em> a word processor</p>'
        '<img src="x" onerror="alert(3)">'
        '<a href="javascript:alert(4)">bad link</a> <a href="https://www.intgovforum.org/">IGF</a>'
        "<ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>cell</td></tr></table>"
    )

    response = editor_client.post(
        reverse("admin:catalogue_session_add"), new_session_form(description=hostile)
    )

    assert response.status_code == 302
    description = Session.objects.get(key="igf2015-mexico-msh").description
    for dangerous in ["<script", "alert(", "<style", "onclick", "onerror", "javascript:"]:
        assert dangerous not in description
    for kept in ["<h2>Outcomes</h2>", "<em>from</em>", "<li>two</li>", "<td>cell</td>"]:
        assert kept in description
    assert '<a href="https://www.intgovforum.org/"' in description
    assert "<ul>" in description and "<table>" in description


def test_change_page_links_to_the_session_on_the_site(editor_client):
    session = SessionFactory(status=Session.Status.DRAFT)

    page = editor_client.get(reverse("admin:catalogue_session_change", args=[session.pk]))

    assert f'href="{session.get_absolute_url()}"' in page.content.decode()


def test_editor_can_view_a_draft_on_the_site(editor_client):
    session = SessionFactory(title="A draft under review", status=Session.Status.DRAFT)

    page = editor_client.get(session.get_absolute_url())

    assert page.status_code == 200
    assert "A draft under review" in page.content.decode()
    assert Client().get(session.get_absolute_url()).status_code == 404


# Participants, tags and transcripts on the session form.


def test_session_form_saves_participants_tags_and_transcripts(editor_client):
    moderator = SpeakerFactory(name="Ana Moderadora")
    speaker = SpeakerFactory(name="Bruno Speaker")
    tags = [TagFactory(name="Open data"), TagFactory(name="National strategies")]

    response = editor_client.post(
        reverse("admin:catalogue_session_add"),
        new_session_form(
            tags=[tag.pk for tag in tags],
            **inline_forms(
                "participants",
                [
                    {"speaker": speaker.pk, "role": "speaker", "order": "2"},
                    {"speaker": moderator.pk, "role": "moderator", "order": "1"},
                    {"speaker": speaker.pk, "role": "rapporteur", "order": "3"},
                ],
            ),
            **inline_forms(
                "transcripts",
                [
                    {"language": "en", "text": "Good morning."},
                    {"language": "es", "text": "Buenos días."},
                ],
            ),
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(key="igf2015-mexico-msh")
    assert [(p.speaker.name, p.role) for p in session.participants.all()] == [
        ("Ana Moderadora", "moderator"),
        ("Bruno Speaker", "speaker"),
        ("Bruno Speaker", "rapporteur"),
    ]
    assert set(session.tags.all()) == set(tags)
    assert dict(session.transcripts.values_list("language", "text")) == {
        "en": "Good morning.",
        "es": "Buenos días.",
    }


def test_session_form_refuses_the_same_speaker_twice_in_one_role(editor_client):
    speaker = SpeakerFactory()
    rows = [{"speaker": speaker.pk, "role": "speaker", "order": str(n)} for n in (1, 2)]

    response = editor_client.post(
        reverse("admin:catalogue_session_add"),
        new_session_form(**inline_forms("participants", rows)),
    )

    assert response.status_code == 200
    assert not Session.objects.filter(key="igf2015-mexico-msh").exists()


def test_session_change_page_shows_the_participants_with_their_speakers(editor_client):
    session = SessionFactory()
    ParticipantFactory(
        session=session, speaker=SpeakerFactory(name="Ana", organisation="SCT"), order=1
    )

    page = editor_client.get(reverse("admin:catalogue_session_change", args=[session.pk]))

    content = page.content.decode()
    assert '<option value="' in content and "Ana (SCT)</option>" in content


def test_editing_a_session_keeps_its_participants(editor_client):
    session = SessionFactory(title="Before")
    participant = ParticipantFactory(session=session, order=1)
    url = reverse("admin:catalogue_session_change", args=[session.pk])
    row = {
        "id": participant.pk,
        "session": session.pk,
        "speaker": participant.speaker_id,
        "role": "moderator",
        "order": "1",
    }

    response = editor_client.post(
        url,
        session_form(session, title="After", **inline_forms("participants", [row], initial=1)),
    )

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.role == "moderator"
    assert Session.objects.get(pk=session.pk).title == "After"


# Speakers and tags.


def test_speaker_changelist_counts_each_session_once(editor_client):
    speaker = SpeakerFactory(name="Ana")
    session = SessionFactory()
    ParticipantFactory(session=session, speaker=speaker, role="organiser")
    ParticipantFactory(session=session, speaker=speaker, role="moderator")
    ParticipantFactory(speaker=speaker)

    page = editor_client.get(reverse("admin:catalogue_speaker_changelist"))

    assert page.context["cl"].result_list[0].session_count == 2


def test_speaker_changelist_searches_names_and_organisations_and_filters_groups(editor_client):
    SpeakerFactory(name="Ana", organisation="Secretaría de Comunicaciones")
    SpeakerFactory(name="Bruno", organisation="Digital Rights Network", stakeholder_group="")
    SpeakerFactory(
        name="Chidi",
        organisation="Ministry",
        stakeholder_group=Speaker.StakeholderGroup.CIVIL_SOCIETY,
        regional_group=Speaker.RegionalGroup.AFRICAN,
    )
    url = reverse("admin:catalogue_speaker_changelist")

    def names(query):
        return [s.name for s in editor_client.get(url + query).context["cl"].result_list]

    assert names("?q=comunicaciones") == ["Ana"]
    assert names("?q=bruno") == ["Bruno"]
    assert names("?stakeholder_group__exact=civil-society") == ["Chidi"]
    assert names("?regional_group__exact=grulac") == ["Ana", "Bruno"]


def test_tag_changelist_counts_sessions(editor_client):
    tag = TagFactory(name="Open data")
    SessionFactory.create_batch(2, tags=[tag])

    page = editor_client.get(reverse("admin:catalogue_tag_changelist"))

    assert page.context["cl"].result_list[0].session_count == 2


def test_meeting_changelist_counts_sessions_and_filters_by_kind(editor_client):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    eurodig = MeetingFactory(
        name="EuroDIG 2019", kind="regional", venue=hague, start_date=datetime.date(2019, 6, 19)
    )
    SessionFactory.create_batch(2, meeting=eurodig, date=datetime.date(2019, 6, 19))
    SessionFactory(date=datetime.date(2015, 11, 12))  # at IGF 2015
    url = reverse("admin:catalogue_meeting_changelist")

    def counts(query=""):
        page = editor_client.get(url + query)
        return {meeting.name: meeting.session_count for meeting in page.context["cl"].result_list}

    assert counts() == {"EuroDIG 2019": 2, "IGF 2015": 1}
    assert counts("?kind__exact=regional") == {"EuroDIG 2019": 2}
    assert counts("?q=hague") == {"EuroDIG 2019": 2}


def test_the_meeting_list_says_what_its_sessions_still_lack_and_links_to_them(editor_client):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    eurodig = MeetingFactory(
        name="EuroDIG 2019", kind="regional", venue=hague, start_date=datetime.date(2019, 6, 19)
    )
    day = datetime.date(2019, 6, 19)
    complete = SessionFactory(
        title="Complete", meeting=eurodig, date=day, report_summary="<p>Agreed.</p>"
    )
    ParticipantFactory(session=complete)
    TranscriptFactory(session=complete)
    RecordingFactory(session=complete)
    SessionFactory(title="Bare", meeting=eurodig, date=day, description="")
    SessionFactory(
        title="Draft", meeting=eurodig, date=day, status=Session.Status.DRAFT, description=""
    )
    SessionFactory(title="Elsewhere", date=datetime.date(2015, 11, 12), description="")

    page = editor_client.get(reverse("admin:catalogue_meeting_changelist") + "?q=eurodig")
    (row,) = page.context["cl"].result_list
    assert (
        row.lacking_description,
        row.lacking_speakers,
        row.lacking_recording,
        row.lacking_transcript,
        row.lacking_report,
    ) == (2, 2, 2, 2, 2)
    content = page.content.decode()
    link = f"/admin/catalogue/session/?meeting__id__exact={eurodig.pk}&amp;lacks=description"
    assert f'<a href="{link}">2</a>' in content

    url = reverse("admin:catalogue_session_changelist")
    for lacks, titles in [
        ("description", ["Bare", "Draft"]),
        ("speakers", ["Bare", "Draft"]),
        ("recording", ["Bare", "Draft"]),
        ("transcript", ["Bare", "Draft"]),
        ("report", ["Bare", "Draft"]),
    ]:
        listed = editor_client.get(f"{url}?meeting__id__exact={eurodig.pk}&lacks={lacks}")
        assert sorted(s.title for s in listed.context["cl"].result_list) == titles, lacks
    everywhere = editor_client.get(f"{url}?lacks=description").context["cl"].result_list
    assert sorted(s.title for s in everywhere) == ["Bare", "Draft", "Elsewhere"]
    assert editor_client.get(f"{url}?lacks=nothing").status_code == 200


def test_session_changelist_filters_by_meeting_kind_and_venue(editor_client):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    eurodig = MeetingFactory(
        name="EuroDIG 2019", kind="regional", venue=hague, start_date=datetime.date(2019, 6, 19)
    )
    SessionFactory(title="At EuroDIG", meeting=eurodig, date=datetime.date(2019, 6, 19))
    SessionFactory(title="At the IGF", date=datetime.date(2015, 11, 12))
    url = reverse("admin:catalogue_session_changelist")

    def titles(query):
        return [s.title for s in editor_client.get(url + query).context["cl"].result_list]

    assert titles("?meeting__kind__exact=regional") == ["At EuroDIG"]
    assert titles(f"?meeting__id__exact={eurodig.pk}") == ["At EuroDIG"]
    assert titles(f"?meeting__venue__id__exact={hague.pk}") == ["At EuroDIG"]
    assert titles("?q=eurodig") == ["At EuroDIG"]
    assert titles("?meeting__kind__exact=annual") == ["At the IGF"]


def test_speaker_autocomplete_on_the_participant_inline(editor_client):
    SpeakerFactory(name="Ana García", organisation="SCT")
    SpeakerFactory(name="Ana López", organisation="")
    SpeakerFactory(name="Bruno")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalogue",
            "model_name": "participant",
            "field_name": "speaker",
            "term": "ana",
        },
    )

    assert [result["text"] for result in response.json()["results"]] == [
        "Ana García (SCT)",
        "Ana López",
    ]


def merge_action(client, speakers, **extra):
    return client.post(
        reverse("admin:catalogue_speaker_changelist"),
        {
            "action": "merge",
            "select_across": "0",
            "index": "0",
            "_selected_action": [speaker.pk for speaker in speakers],
            **extra,
        },
        follow=True,
    )


def test_merge_action_asks_which_record_to_keep(editor_client):
    ana = SpeakerFactory(name="Ana García", organisation="SCT")
    duplicate = SpeakerFactory(name="Ana Garcia", organisation="")
    ParticipantFactory(speaker=ana)

    response = merge_action(editor_client, [ana, duplicate])

    content = response.content.decode()
    assert response.templates[0].name == "admin/catalogue/speaker/merge_speakers.html"
    assert f'name="keep" value="{ana.pk}"' in content
    assert f'name="keep" value="{duplicate.pk}"' in content
    assert "1 session" in content
    assert Speaker.objects.count() == 2  # nothing merged yet


def test_merge_action_merges_into_the_record_chosen(editor_client):
    kept = SpeakerFactory(name="Ana García", organisation="", stakeholder_group="")
    duplicate = SpeakerFactory(name="Ana Garcia", organisation="SCT")
    sessions = [
        ParticipantFactory(speaker=kept).session,
        ParticipantFactory(speaker=duplicate).session,
    ]

    response = merge_action(editor_client, [kept, duplicate], confirm="yes", keep=kept.pk)

    assert "Merged 1 record into Ana García (SCT)." in response.content.decode()
    assert list(Speaker.objects.all()) == [kept]
    assert set(kept.sessions.all()) == set(sessions)
    kept.refresh_from_db()
    assert kept.organisation == "SCT"


def test_merge_action_without_a_choice_asks_again(editor_client):
    speakers = SpeakerFactory.create_batch(2)

    response = merge_action(editor_client, speakers, confirm="yes")

    assert "Choose the record to keep." in response.content.decode()
    assert Speaker.objects.count() == 2


def test_merge_action_needs_two_records(editor_client):
    response = merge_action(editor_client, [SpeakerFactory()])

    assert "Select two or more records" in response.content.decode()


# Strategies, objectives and enablers.


def test_strategy_admin_edits_objectives_and_enablers_inline_in_order(editor_client):
    def inline(prefix, names_by_order):
        data = {
            f"{prefix}-TOTAL_FORMS": str(len(names_by_order)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, (order, name) in enumerate(names_by_order):
            data |= {
                f"{prefix}-{index}-order": str(order),
                f"{prefix}-{index}-name": name,
                f"{prefix}-{index}-description": "",
                f"{prefix}-{index}-id": "",
                f"{prefix}-{index}-strategy": "",
            }
        return data

    response = editor_client.post(
        reverse("admin:strategies_strategy_add"),
        {
            "name": MEXICO,
            "slug": "",
            "country": "Mexico",
            "year": "2013",
            "owner": "Office of the President",
            "link": "",
            "description": "",
            # Entered out of order on purpose: `order` decides.
            **inline("objectives", [(2, "Quality education"), (1, "Digital economy")]),
            **inline("enablers", [(1, "Connectivity")]),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    strategy = Strategy.objects.get(name=MEXICO)
    assert strategy.slug == "mexicos-national-digital-strategy"
    assert [o.name for o in strategy.objectives.all()] == ["Digital economy", "Quality education"]
    assert [e.name for e in strategy.enablers.all()] == ["Connectivity"]

    page = editor_client.get(reverse("admin:strategies_strategy_change", args=[strategy.pk]))
    content = page.content.decode()
    assert content.index('value="Digital economy"') < content.index('value="Quality education"')


def test_objective_autocomplete_labels_results_with_their_strategy(editor_client, mexico):
    other = StrategyFactory(name="Another Strategy")
    ObjectiveFactory(strategy=other, name="Digital economy")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalogue",
            "model_name": "session",
            "field_name": "objectives",
            "term": "digital econ",
        },
    )

    assert response.status_code == 200
    labels = {result["text"] for result in response.json()["results"]}
    assert labels == {
        "Digital economy — Another Strategy",
        "Digital economy — Mexico's National Digital Strategy",
    }


def test_enabler_autocomplete_searches_strategy_names(editor_client, mexico):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalogue",
            "model_name": "session",
            "field_name": "enablers",
            "term": "mex",
        },
    )

    labels = [result["text"] for result in response.json()["results"]]
    assert labels == [f"{name} — {MEXICO}" for name in ENABLERS]


def test_related_session_autocomplete_tells_repeated_titles_apart(editor_client):
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    SessionFactory(title="Opening Ceremony", date=datetime.date(2007, 11, 12), venue=rio)
    SessionFactory(title="Opening Ceremony", date=datetime.date(2015, 11, 10))
    SessionFactory(title="Main Session on Access")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalogue",
            "model_name": "session",
            "field_name": "related",
            "term": "open",
        },
    )

    assert [result["text"] for result in response.json()["results"]] == [
        "Opening Ceremony (10 November 2015, João Pessoa)",
        "Opening Ceremony (12 November 2007, Rio de Janeiro)",
    ]


def test_selected_related_sessions_are_labelled_with_date_and_city(editor_client):
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    main_session = SessionFactory(title="Main Session", date=datetime.date(2007, 11, 12), venue=rio)
    session = SessionFactory(related=[main_session])

    page = editor_client.get(reverse("admin:catalogue_session_change", args=[session.pk]))

    assert "Main Session (12 November 2007, Rio de Janeiro)" in page.content.decode()


def test_objectives_and_enablers_are_off_the_index_but_the_strategies_are_on(editor_client):
    page = editor_client.get("/admin/").content.decode()
    assert reverse("admin:strategies_strategy_changelist") in page
    assert reverse("admin:strategies_objective_changelist") not in page
    assert reverse("admin:strategies_enabler_changelist") not in page


def test_daily_views_are_read_only(editor_client):
    daily = DailyViewsFactory(views=7)

    assert editor_client.get(reverse("admin:catalogue_dailyviews_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:catalogue_dailyviews_add")).status_code == 403
    change_page = editor_client.get(reverse("admin:catalogue_dailyviews_change", args=[daily.pk]))
    assert change_page.status_code == 200
    assert 'name="views"' not in change_page.content.decode()


# Query counts: the same whatever the size of the catalogue.


@pytest.mark.parametrize(
    "model",
    [Session, Venue, SessionType, Topic, Speaker, Tag, DailyViews, Strategy, Objective, Enabler],
)
def test_editor_can_open_the_admin_pages_of_every_catalogue_model(editor_client, model):
    make_catalogue(3)
    opts = model._meta
    pages = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=1",
        reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[model.objects.first().pk]
        ),
    ]
    if model is not DailyViews:
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    for page in pages:
        assert editor_client.get(page).status_code == 200, page


def make_catalogue(session_count: int) -> list[Session]:
    """`session_count` sessions spread over venues, types, topics, years and strategies.

    Inserted in bulk: the query-count tests build 201 sessions many times over.
    """
    venues = [VenueFactory(city=f"City {n}") for n in range(3)]
    meetings = [
        MeetingFactory(venue=venues[n % len(venues)], start_date=datetime.date(2006 + n, 11, 1))
        for n in range(min(session_count, 20))
    ]
    types = [SessionTypeFactory(name=name) for name in ["Workshop", "Main Session", "Open Forum"]]
    topics = [TopicFactory(name=name) for name in ["Other", "Cybersecurity and Trust"]]
    strategies = [StrategyFactory() for _ in range(min(session_count, 5))]
    for strategy in strategies:
        ObjectiveFactory(strategy=strategy)
        EnablerFactory(strategy=strategy)
    sessions = Session.objects.bulk_create(
        SessionFactory.build(
            slug=f"catalogue-session-{n}",
            date=datetime.date(2006 + n % 20, 11, 1 + n % 28),
            meeting=meetings[n % len(meetings)],
            type=types[n % len(types)],
            topic=topics[n % len(topics)],
            status=Session.Status.PUBLISHED if n % 4 else Session.Status.DRAFT,
            views=n,
        )
        for n in range(session_count)
    )
    Session.strategies.through.objects.bulk_create(
        Session.strategies.through(session=session, strategy=strategies[n % len(strategies)])
        for n, session in enumerate(sessions)
    )
    Session.related.through.objects.bulk_create(
        Session.related.through(from_session=session, to_session=sessions[0])
        for session in sessions[1:]
    )
    speakers = Speaker.objects.bulk_create(
        SpeakerFactory.build(slug=f"speaker-{n}") for n in range(min(session_count, 30))
    )
    Participant.objects.bulk_create(
        Participant(session=session, speaker=speakers[n % len(speakers)], order=n)
        for n, session in enumerate(sessions)
    )
    tags = [TagFactory(name=name) for name in ["Open data", "Youth", "Cybersecurity"]]
    Session.tags.through.objects.bulk_create(
        Session.tags.through(session=session, tag=tags[n % len(tags)])
        for n, session in enumerate(sessions)
    )
    DailyViewsFactory(session=sessions[0])
    return sessions


@pytest.mark.parametrize("session_count", [1, 3, 201])
@pytest.mark.parametrize(
    ("query_string", "queries"),
    [
        # session, user, 2 x permissions, 4 x filter choices (meeting, venue, type, topic),
        # 2 x count, the page, then the date hierarchy: first and last date and the years,
        # or the months of a year.
        ("", 13),
        ("?date__year=2015", 12),
        ("?date__year=2015&date__month=11", 12),
        ("?status__exact=published&type__id__exact={type}&q=session", 13),
        ("?o=-7.2", 13),
        ("?language=ar", 13),
    ],
)
def test_session_changelist_query_count(
    editor_client, django_assert_num_queries, session_count, query_string, queries
):
    sessions = make_catalogue(session_count)
    url = reverse("admin:catalogue_session_changelist") + query_string.format(
        type=sessions[0].type_id
    )

    with django_assert_num_queries(queries):
        response = editor_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("session_count", [1, 3, 201])
@pytest.mark.parametrize(
    ("model", "queries"),
    [
        # session, user, 2 x permissions, 2 x count, the page; plus what each adds.
        ("strategies_strategy", 8),  # the country filter's choices
        ("strategies_objective", 7),
        ("catalogue_venue", 7),
        ("catalogue_meeting", 7),
        ("catalogue_sessiontype", 7),
        ("catalogue_topic", 7),
        ("catalogue_speaker", 7),
        ("catalogue_tag", 7),
        ("catalogue_dailyviews", 9),  # the date hierarchy's years
    ],
)
def test_other_changelists_query_count(
    editor_client, django_assert_num_queries, session_count, model, queries
):
    make_catalogue(session_count)
    url = reverse(f"admin:{model}_changelist")

    with django_assert_num_queries(queries):
        response = editor_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("session_count", [1, 3, 201])
def test_session_change_page_query_count(editor_client, django_assert_num_queries, session_count):
    sessions = make_catalogue(session_count)
    strategy = sessions[0].strategies.get()
    session = SessionFactory(
        strategies=[strategy], related=sessions[:3], tags=Tag.objects.all()[: session_count % 7]
    )
    session.objectives.set(strategy.objectives.all())
    session.enablers.add(EnablerFactory(strategy=strategy))
    # As many participants as sessions, to show the speakers' labels cost no query a row.
    for speaker in Speaker.objects.all()[:session_count]:
        ParticipantFactory(session=session, speaker=speaker)
    TranscriptFactory(session=session)
    url = reverse("admin:catalogue_session_change", args=[session.pk])
    editor_client.get(url)  # the content type is looked up once a process, then cached

    # Six more than before speakers and tags: the session's tags, and their labels for the
    # autocomplete; its participants with their speakers; its recordings; its documents;
    # its transcripts.
    with django_assert_num_queries(22):
        response = editor_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("session_count", [1, 3, 201])
@pytest.mark.parametrize(
    "field_name",
    ["related", "strategies", "objectives", "enablers", "meeting", "type", "topic", "tags"],
)
def test_autocomplete_query_count(
    editor_client, django_assert_num_queries, session_count, field_name
):
    make_catalogue(session_count)
    for _ in range(session_count // 10):
        strategy = StrategyFactory()
        ObjectiveFactory(strategy=strategy)
        EnablerFactory(strategy=strategy)
    url = reverse("admin:autocomplete") + (
        f"?app_label=catalogue&model_name=session&field_name={field_name}&term="
    )

    # session, user, 2 x permissions, count, the page of 20 results.
    with django_assert_num_queries(6):
        response = editor_client.get(url)

    assert response.json()["results"]


def test_autocomplete_is_closed_to_anonymous_visitors():
    response = Client().get(
        reverse("admin:autocomplete"),
        {"app_label": "catalogue", "model_name": "session", "field_name": "objectives"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_session_form_with_its_slug_cleared_shows_its_errors(editor_client):
    session = SessionFactory(title="Opening ceremony")
    url = reverse("admin:catalogue_session_change", args=[session.pk])
    # The slug cleared and another field wrong: the form comes back with the errors.
    response = editor_client.post(url, session_form(session, slug="", date="not a date"))
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    session.refresh_from_db()
    assert session.slug and session.title == "Opening ceremony"
