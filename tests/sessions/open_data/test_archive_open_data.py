"""A session's recordings, documents and report as machines read them: frab schedules,
schema.org JSON-LD on its page, the feeds and the sitemap's video entries."""

import datetime
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import feedparser
import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import Document, Recording, Session
from sessions.open_data.archive import embed_url, iso_duration, thumbnail_url
from tests.factories import (
    DocumentFactory,
    MeetingFactory,
    RecordingFactory,
    SessionFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "frab-schedule.json").read_text())
A_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"
AUDIO = "https://media.intgovforum.org/2015/ws-mexico.mp3"
WEBCAST = "https://www.intgovforum.org/webcast/ws-mexico"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SITEMAP = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "video": "http://www.google.com/schemas/sitemap-video/1.1",
}


@pytest.fixture
def archive():
    """A published session of IGF 2015 with four recordings (YouTube, Vimeo, an audio
    file, a webcast page), a linked and an uploaded document and a report; and a draft
    of the same day with a recording and documents of its own."""
    venue = VenueFactory(city="João Pessoa", country="Brazil", time_zone="America/Fortaleza")
    MeetingFactory(venue=venue, number=10, start_date=datetime.date(2015, 11, 10))
    session = SessionFactory(
        title="Mexico: The National Digital Strategy",
        date=datetime.date(2015, 11, 12),
        start_time=datetime.time(9, 0),
        venue=venue,
        description="<p>Five objectives &amp; <em>five</em> enablers.</p>",
        url="https://www.intgovforum.org/en/content/ws-mexico",
        report_summary="<p>The strategy was discussed.</p>",
        key_takeaways="<ol><li>Open data matters.</li></ol>",
    )
    recordings = [
        RecordingFactory(
            session=session,
            url=YOUTUBE,
            title="Floor",
            length=datetime.timedelta(hours=1, minutes=2, seconds=5),
            order=0,
        ),
        RecordingFactory(session=session, url=VIMEO, language="es", order=1),
        RecordingFactory(
            session=session,
            url=AUDIO,
            language="fr",
            length=datetime.timedelta(minutes=45),
            order=2,
        ),
        RecordingFactory(session=session, url=WEBCAST, order=3),
    ]
    link = DocumentFactory(
        session=session,
        title="Workshop proposal",
        kind=Document.Kind.PROPOSAL,
        url="https://www.intgovforum.org/proposal.pdf",
        order=0,
    )
    upload = Document.objects.create(
        session=session,
        title="Slides",
        kind=Document.Kind.PRESENTATION,
        language="es",
        file=SimpleUploadedFile("slides.pdf", A_PDF),
        order=1,
    )
    draft = SessionFactory(
        title="Secret draft",
        status=Session.Status.DRAFT,
        date=datetime.date(2015, 11, 12),
        venue=venue,
        report_summary="<p>Secret report.</p>",
    )
    RecordingFactory(session=draft, url="https://www.youtube.com/watch?v=SECRETDRAFT")
    DocumentFactory(session=draft, title="Secret document", url="https://example.org/secret.pdf")
    Document.objects.create(
        session=draft, title="Secret upload", file=SimpleUploadedFile("secret.pdf", A_PDF)
    )
    return {
        "session": session,
        "recordings": recordings,
        "link": link,
        "upload": upload,
        "draft": draft,
    }


def download_url(session: Session, document: Document, scheme: str = "http") -> str:
    return f"{scheme}://testserver/sessions/{session.slug}/documents/{document.pk}/"


def secrets_absent(text: str) -> None:
    for secret in ("SECRETDRAFT", "Secret document", "Secret upload", "secret.pdf", "Secret"):
        assert secret not in text


def many_archived_sessions(count: int) -> list[Session]:
    """`count` published sessions of 12 November 2015, each with three recordings (one
    on YouTube) and two documents (one uploaded), and a draft with the same."""
    sessions = [
        SessionFactory(date=datetime.date(2015, 11, 12), start_time=datetime.time(10))
        for _ in range(count)
    ]
    draft = SessionFactory(date=datetime.date(2015, 11, 12), status=Session.Status.DRAFT)
    for number, session in enumerate([*sessions, draft]):
        Recording.objects.bulk_create(
            Recording(session=session, url=url, order=order)
            for order, url in enumerate(
                [
                    f"https://www.youtube.com/watch?v=many{number:07d}",
                    f"https://vimeo.com/{number + 1}",
                    f"https://media.example.org/{number}.mp4",
                ]
            )
        )
        DocumentFactory(session=session)
        Document.objects.create(
            session=session, title="Upload", file=SimpleUploadedFile("a.pdf", A_PDF)
        )
    return sessions


# What the helpers make of a recording


@pytest.mark.parametrize(
    ("url", "embed", "thumbnail"),
    [
        (
            YOUTUBE,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        ),
        (VIMEO, "https://player.vimeo.com/video/76979871?dnt=1", ""),
        (AUDIO, "", ""),
        (WEBCAST, "", ""),
    ],
)
def test_a_recording_embeds_without_autoplay_and_has_youtubes_thumbnail(url, embed, thumbnail):
    recording = Recording(url=url)
    assert embed_url(recording) == embed
    assert thumbnail_url(recording) == thumbnail


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (datetime.timedelta(hours=1, minutes=2, seconds=5), "PT1H2M5S"),
        (datetime.timedelta(minutes=45), "PT45M"),
        (datetime.timedelta(hours=2), "PT2H"),
        (datetime.timedelta(seconds=7), "PT7S"),
        (datetime.timedelta(0), "PT0S"),
    ],
)
def test_a_length_is_an_iso_8601_duration(length, text):
    assert iso_duration(length) == text


# frab schedules


def schedule_event(client, session: Session) -> dict:
    response = client.get("/years/2015/schedule.json")
    assert response.status_code == 200
    document = response.json()
    jsonschema.validate(document, SCHEMA)
    secrets_absent(response.content.decode())
    (event,) = (
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
        if event["id"] == session.pk
    )
    return event


def schedule_xml_event(client, session: Session) -> ElementTree.Element:
    response = client.get("/years/2015/schedule.xml")
    assert response.status_code == 200
    secrets_absent(response.content.decode())
    root = ElementTree.fromstring(response.content)
    (event,) = (event for event in root.iter("event") if event.get("id") == str(session.pk))
    return event


def test_json_schedule_links_the_recordings_after_the_igf_page(client, archive):
    event = schedule_event(client, archive["session"])
    assert event["links"] == [
        {
            "url": "https://www.intgovforum.org/en/content/ws-mexico",
            "title": "This session on the IGF website",
        },
        {"url": YOUTUBE, "title": "Recording: Floor (en)", "type": "media"},
        {"url": VIMEO, "title": "Recording (es)", "type": "media"},
        {"url": AUDIO, "title": "Recording (fr)", "type": "media"},
        {"url": WEBCAST, "title": "Recording (en)", "type": "media"},
    ]


def test_json_schedule_attaches_the_documents(client, archive):
    event = schedule_event(client, archive["session"])
    assert event["attachments"] == [
        {"url": "https://www.intgovforum.org/proposal.pdf", "title": "Workshop proposal"},
        {
            "url": download_url(archive["session"], archive["upload"]),
            "title": "Slides",
            "type": "slides",
        },
    ]


def test_the_schema_turns_away_an_attachment_without_a_web_address(client, archive):
    response = client.get("/years/2015/schedule.json")
    document = response.json()
    days = document["schedule"]["conference"]["days"]
    event = next(iter(days[0]["rooms"].values()))[0]
    event["attachments"] = [{"url": "javascript:alert(1)", "title": "x"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_xml_schedule_has_the_recordings_as_links_and_the_first_as_its_recording(client, archive):
    event = schedule_xml_event(client, archive["session"])
    links = event.findall("links/link")
    assert [(link.get("href"), link.get("type"), link.text) for link in links[1:]] == [
        (YOUTUBE, "media", "Recording: Floor (en)"),
        (VIMEO, "media", "Recording (es)"),
        (AUDIO, "media", "Recording (fr)"),
        (WEBCAST, "media", "Recording (en)"),
    ]
    assert links[0].get("type") is None
    assert event.findtext("recording/url") == YOUTUBE
    assert event.findtext("recording/optout") == "false"


def test_xml_schedule_has_the_documents_as_attachments(client, archive):
    event = schedule_xml_event(client, archive["session"])
    attachments = event.findall("attachments/attachment")
    assert [(item.get("href"), item.get("type"), item.text) for item in attachments] == [
        ("https://www.intgovforum.org/proposal.pdf", None, "Workshop proposal"),
        (download_url(archive["session"], archive["upload"]), "slides", "Slides"),
    ]


def test_a_schedule_event_without_recordings_or_documents_has_empty_lists(client, archive):
    session = SessionFactory(date=datetime.date(2015, 11, 12), venue=archive["session"].venue)
    assert schedule_event(client, session)["attachments"] == []
    event = schedule_xml_event(client, session)
    assert event.find("recording/url") is None
    assert event.find("attachments") is not None
    assert event.findall("attachments/attachment") == []


def test_the_meetings_schedule_carries_them_too(client, archive):
    meeting = archive["session"].meeting
    response = client.get(f"/meetings/{meeting.slug}/schedule.json")
    secrets_absent(response.content.decode())
    # Its events, that is: the meeting's acronym is its slug, which c3voc's pattern for
    # an acronym does not take ("igf-2015").
    event_schema = {"definitions": SCHEMA["definitions"], "$ref": "#/definitions/event"}
    (day,) = response.json()["schedule"]["conference"]["days"]
    (event,) = (event for events in day["rooms"].values() for event in events)
    jsonschema.validate(event, event_schema)
    assert event["links"][1]["url"] == YOUTUBE
    assert event["attachments"][1]["url"] == download_url(archive["session"], archive["upload"])


@pytest.mark.parametrize("session_count", [1, 30])
@pytest.mark.parametrize("extension", ["json", "xml"])
def test_a_schedule_with_recordings_and_documents_costs_constant_queries(
    client, django_assert_num_queries, session_count, extension
):
    many_archived_sessions(session_count)
    # The sessions, their participants, recordings and documents, the meeting's venue.
    with django_assert_num_queries(5):
        response = client.get(f"/years/2015/schedule.{extension}")
    assert response.status_code == 200
    videos = set(re.findall(rb"watch\?v=many\d{7}", response.content))
    downloads = set(re.findall(rb"testserver/sessions/[^/]+/documents/\d+/", response.content))
    assert len(videos) == len(downloads) == session_count


# schema.org JSON-LD on the session page


def page_event(client, session: Session) -> dict:
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    (block,) = JSON_LD.findall(response.content.decode())
    return json.loads(block)


def test_the_event_was_recorded_in_a_video_per_player_and_audio_per_audio_file(client, archive):
    session = archive["session"]
    youtube, vimeo, audio, webcast = page_event(client, session)["recordedIn"]
    description = "Five objectives & five enablers."
    assert youtube == {
        "@type": "VideoObject",
        "name": "Mexico: The National Digital Strategy: Floor",
        "description": description,
        "uploadDate": "2015-11-12",
        "url": YOUTUBE,
        "inLanguage": "en",
        "embedUrl": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "thumbnailUrl": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        "duration": "PT1H2M5S",
    }
    assert vimeo == {
        "@type": "VideoObject",
        "name": "Mexico: The National Digital Strategy",
        "description": description,
        "uploadDate": "2015-11-12",
        "url": VIMEO,
        "inLanguage": "es",
        "embedUrl": "https://player.vimeo.com/video/76979871?dnt=1",
    }
    assert audio == {
        "@type": "AudioObject",
        "name": "Mexico: The National Digital Strategy",
        "description": description,
        "uploadDate": "2015-11-12",
        "url": AUDIO,
        "inLanguage": "fr",
        "contentUrl": AUDIO,
        "encodingFormat": "audio/mpeg",
        "duration": "PT45M",
    }
    # A page that plays it somewhere else is only its address.
    assert webcast["@type"] == "VideoObject"
    assert webcast["url"] == WEBCAST
    assert not {"embedUrl", "contentUrl", "thumbnailUrl"} & set(webcast)


def test_a_video_file_is_its_content(client):
    session = SessionFactory()
    RecordingFactory(session=session, url="https://media.example.org/a.webm")
    (video,) = page_event(client, session)["recordedIn"]
    assert video["@type"] == "VideoObject"
    assert video["contentUrl"] == "https://media.example.org/a.webm"
    assert video["encodingFormat"] == "video/webm"


def test_the_documents_and_the_report_are_about_the_event(client, archive):
    session = archive["session"]
    link, upload, report = page_event(client, session)["subjectOf"]
    assert link == {
        "@type": "DigitalDocument",
        "name": "Workshop proposal",
        "url": "https://www.intgovforum.org/proposal.pdf",
        "inLanguage": "en",
    }
    assert upload == {
        "@type": "DigitalDocument",
        "name": "Slides",
        "url": download_url(session, archive["upload"]),
        "inLanguage": "es",
        "encodingFormat": "application/pdf",
    }
    page_url = f"http://testserver{session.get_absolute_url()}"
    assert report == {
        "@type": "Report",
        "@id": f"{page_url}#report",
        "name": "Session report: Mexico: The National Digital Strategy",
        "url": page_url,
        "inLanguage": "en",
        "author": {
            "@type": "Organization",
            "name": "Internet Governance Forum",
            "url": "https://www.intgovforum.org/",
        },
        "abstract": "The strategy was discussed.",
    }


def test_an_uploaded_documents_address_follows_the_pages_scheme(client, archive):
    session = archive["session"]
    response = client.get(session.get_absolute_url(), secure=True)
    (block,) = JSON_LD.findall(response.content.decode())
    upload = json.loads(block)["subjectOf"][1]
    assert upload["url"] == download_url(session, archive["upload"], scheme="https")


def test_a_report_without_a_summary_has_no_abstract(client):
    session = SessionFactory(calls_to_action="<ol><li>Act.</li></ol>")
    (report,) = page_event(client, session)["subjectOf"]
    assert report["@type"] == "Report"
    assert "abstract" not in report


def test_an_event_without_recordings_documents_or_report_names_none(client):
    event = page_event(client, SessionFactory())
    assert "recordedIn" not in event
    assert "subjectOf" not in event


def test_a_recording_or_link_that_is_not_a_web_address_is_left_out(client):
    session = SessionFactory()
    RecordingFactory(session=session, url="ftp://files.example.org/a.mp3")
    DocumentFactory(session=session, url="ftp://files.example.org/a.pdf")
    event = page_event(client, session)
    assert "recordedIn" not in event
    assert "subjectOf" not in event


def test_the_json_ld_reads_the_recordings_and_documents_the_page_read(client, archive):
    """The page prefetches them once; the data block asks for them again nowhere."""
    tables = {Recording._meta.db_table, Document._meta.db_table}
    with CaptureQueriesContext(connection) as queries:
        event = page_event(client, archive["session"])
    assert len(event["recordedIn"]) == 4
    reads = [
        table
        for query in queries.captured_queries
        for table in tables
        if re.search(rf'FROM "{table}"', query["sql"])
    ]
    assert sorted(reads) == sorted(tables)


# Feeds


def feed_entry(client, url: str, session: Session):
    response = client.get(url)
    assert response.status_code == 200
    secrets_absent(response.content.decode())
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    (entry,) = (entry for entry in parsed.entries if entry.title == session.title)
    return entry


def test_atom_entry_encloses_every_recording(client, archive):
    entry = feed_entry(client, "/sessions/feed.atom", archive["session"])
    assert [(item.href, item.type, item.length) for item in entry.enclosures] == [
        (YOUTUBE, "text/html", "0"),
        (VIMEO, "text/html", "0"),
        (AUDIO, "audio/mpeg", "0"),
        (WEBCAST, "text/html", "0"),
    ]


def test_rss_item_encloses_the_first_recording_only(client, archive):
    entry = feed_entry(client, "/sessions/feed.rss", archive["session"])
    assert [(item.href, item.type, item.length) for item in entry.enclosures] == [
        (YOUTUBE, "text/html", "0")
    ]


@pytest.mark.parametrize("url", ["/sessions/feed.atom", "/sessions/feed.rss"])
def test_feed_entry_carries_the_report(client, archive, url):
    entry = feed_entry(client, url, archive["session"])
    content = entry.content[0].value if "content" in entry else entry.summary
    assert "The strategy was discussed." in content
    assert "Open data matters." in content


@pytest.mark.parametrize("url", ["/sessions/feed.atom", "/sessions/feed.rss"])
def test_feed_entry_without_recordings_has_no_enclosure(client, url):
    session = SessionFactory()
    assert feed_entry(client, url, session).enclosures == []


@pytest.mark.parametrize("url", ["/sessions/feed.atom", "/sessions/feed.rss"])
@pytest.mark.parametrize("session_count", [1, 30])
def test_feed_with_recordings_costs_constant_queries(
    client, django_assert_num_queries, session_count, url
):
    many_archived_sessions(session_count)
    # The catalogue version, the years with sessions, the sessions, their tags, their
    # recordings.
    with django_assert_num_queries(5):
        response = client.get(url)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    enclosures = [len(entry.enclosures) for entry in parsed.entries]
    assert enclosures == [3 if url.endswith("atom") else 1] * session_count


# Sitemap


def sitemap(client) -> ElementTree.Element:
    response = client.get("/sitemap-sessions.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def videos_by_location(root: ElementTree.Element) -> dict[str, list[dict[str, str]]]:
    return {
        url.findtext("sm:loc", namespaces=SITEMAP): [
            {child.tag.split("}")[1]: child.text for child in video}
            for video in url.findall("video:video", SITEMAP)
        ]
        for url in root.findall("sm:url", SITEMAP)
    }


def test_sitemap_has_a_video_entry_for_each_youtube_recording(client, archive):
    session = archive["session"]
    videos = videos_by_location(sitemap(client))
    assert videos[f"http://testserver{session.get_absolute_url()}"] == [
        {
            "thumbnail_loc": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
            "title": "Mexico: The National Digital Strategy: Floor",
            "description": "Five objectives & five enablers.",
            "player_loc": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "duration": "3725",
        }
    ]
    # Vimeo gives no thumbnail without its API, and Google needs one: no entry for it,
    # nor for the audio file or the webcast page.


def test_sitemap_video_entries_leave_out_what_is_not_known(client):
    session = SessionFactory(title="A & B <c>", description="")
    RecordingFactory(session=session, url="https://youtu.be/abcdefghijk")
    RecordingFactory(
        session=session,
        url="https://www.youtube.com/watch?v=lmnopqrstuv",
        title="Day 2\x07",
        length=datetime.timedelta(hours=9),
    )
    first, second = videos_by_location(sitemap(client))[
        f"http://testserver{session.get_absolute_url()}"
    ]
    assert first["title"] == first["description"] == "A & B <c>"
    assert "duration" not in first
    assert second["title"] == "A & B <c>: Day 2"
    # Longer than the eight hours Google takes.
    assert "duration" not in second


def test_sitemap_video_description_is_at_most_2048_characters(client):
    words = " ".join(f"word{number}" for number in range(2000))
    session = SessionFactory(description=f"<p><strong>{words}</strong></p>")
    RecordingFactory(session=session, url=YOUTUBE)
    (video,) = videos_by_location(sitemap(client))[f"http://testserver{session.get_absolute_url()}"]
    assert len(video["description"]) <= 2048
    assert video["description"].startswith("word0 word1 ")
    assert "<" not in video["description"]


def test_sitemap_has_no_video_of_a_draft(client, archive):
    response = client.get("/sitemap-sessions.xml")
    secrets_absent(response.content.decode())
    assert archive["draft"].slug not in response.content.decode()


def test_sitemap_sections_without_videos_are_unchanged(client, archive):
    root = ElementTree.fromstring(client.get("/sitemap-pages.xml").content)
    assert root.findall("sm:url/video:video", SITEMAP) == []
    assert root.findall("sm:url/sm:loc", SITEMAP)


@pytest.mark.parametrize("session_count", [1, 40])
def test_sitemap_videos_cost_one_query_per_page(client, django_assert_num_queries, session_count):
    many_archived_sessions(session_count)
    # Count, page, the page's videos.
    with django_assert_num_queries(3):
        root = sitemap(client)
    videos = root.findall("sm:url/video:video", SITEMAP)
    assert len(videos) == session_count
    assert all(video.findtext("video:player_loc", namespaces=SITEMAP) for video in videos)


def test_sitemap_pages_read_the_videos_of_their_own_sessions(client, settings, monkeypatch):
    from sessions.open_data.sitemaps import SessionSitemap

    monkeypatch.setattr(SessionSitemap, "limit", 2)
    sessions = many_archived_sessions(5)
    pages = [videos_by_location(ElementTree.fromstring(
        client.get(f"/sitemap-sessions.xml?p={page}").content
    )) for page in (1, 2, 3)]  # fmt: skip
    assert [len(page) for page in pages] == [2, 2, 1]
    for page in pages:
        for location, videos in page.items():
            (session,) = (s for s in sessions if location.endswith(s.get_absolute_url()))
            number = sessions.index(session)
            assert [video["player_loc"] for video in videos] == [
                f"https://www.youtube-nocookie.com/embed/many{number:07d}"
            ]
