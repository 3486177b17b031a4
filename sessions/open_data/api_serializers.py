"""What each object of the JSON API looks like: the serializers of sessions, venues,
meetings, session types, topics, speakers and tags, with their parts."""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from igf_catalogue.api import WebAddressField, site_url
from sessions.models import Document, Meeting, Participant, Session, Speaker, Tag, Venue

from .archive import web_address


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-2][0-9]:[0-5][0-9]$",
        "example": "14:30",
        "description": "Local time at the venue, HH:MM; null when not known.",
    }
)
class TimeOfDayField(serializers.TimeField):
    """HH:MM, as the import format writes a time."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", read_only=True, allow_null=True, **kwargs)


class NamedRefSerializer(serializers.Serializer):
    """A session type, topic or tag as a session names it."""

    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True, help_text="Its value in the filters.")


class VenueRefSerializer(serializers.Serializer):
    """A venue as a session names it."""

    city = serializers.CharField(read_only=True, help_text='"Online" for online meetings.')
    country = serializers.CharField(read_only=True, help_text="Empty for online meetings.")
    slug = serializers.CharField(read_only=True, help_text="Its value in the `venue` filter.")


class MeetingRefSerializer(serializers.Serializer):
    """A meeting as a session names it; /api/meetings/{slug}/ has the rest."""

    name = serializers.CharField(read_only=True, help_text='e.g. "IGF 2015", "EuroDIG 2019".')
    slug = serializers.CharField(read_only=True, help_text="Its value in the `meeting` filter.")
    kind = serializers.ChoiceField(
        choices=Meeting.Kind.values, read_only=True, help_text="Its value in the `kind` filter."
    )


class ReportSerializer(serializers.Serializer):
    """The IGF's report of a session; each part sanitised HTML, empty when not written."""

    summary = serializers.CharField(read_only=True, source="report_summary")
    key_takeaways = serializers.CharField(read_only=True, help_text="An ordered list.")
    calls_to_action = serializers.CharField(read_only=True, help_text="An ordered list.")


class RecordingSerializer(serializers.Serializer):
    """A recording of a session, in one language."""

    url = WebAddressField(help_text="Where it plays: YouTube, Vimeo, a webcast or a media file.")
    language = serializers.CharField(read_only=True, help_text="Language code, e.g. en, es.")
    title = serializers.CharField(read_only=True, help_text='e.g. "Day 2, morning"; may be empty.')
    length = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        source="length_in_seconds",
        help_text="In seconds; null when not known.",
    )


@extend_schema_field(
    {"type": "string", "enum": Document.Kind.values}, component_name="DocumentKindEnum"
)
class DocumentKindField(serializers.CharField):
    """A document's kind. Its choices are a component of their own: enum naming would
    otherwise see two sets called "kind" (a meeting's too) and warn."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


class DocumentSerializer(serializers.Serializer):
    """A document of a session, in one language: a link, or a file uploaded here."""

    title = serializers.CharField(read_only=True)
    kind = DocumentKindField(help_text="Proposal, report, presentation, transcript or other.")
    language = serializers.CharField(read_only=True, help_text="Language code, e.g. en, es.")
    url = serializers.SerializerMethodField(
        help_text="The link (http or https, else empty), or the absolute address of the "
        "file's download from this site."
    )
    file_type = serializers.CharField(
        read_only=True, help_text="An uploaded file's type, e.g. PDF; empty for a link."
    )
    size = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="An uploaded file's size in bytes; else null."
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, document: Document) -> str:
        if document.file:
            return site_url(self.context.get("request"), document.get_absolute_url())
        return web_address(document.url)


class StrategyRefSerializer(serializers.Serializer):
    """A strategy as a session names it; /api/strategies/{slug}/ has the rest."""

    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class StrategyPartRefSerializer(serializers.Serializer):
    """An objective or enabler a session discusses, and the strategy it belongs to."""

    strategy = serializers.CharField(
        read_only=True, source="strategy.slug", help_text="The strategy's slug."
    )
    name = serializers.CharField(read_only=True)


class ParticipantSerializer(serializers.Serializer):
    """A speaker's part in a session."""

    name = serializers.CharField(read_only=True, source="speaker.name")
    slug = serializers.CharField(
        read_only=True, source="speaker.slug", help_text="The speaker's slug."
    )
    organisation = serializers.CharField(
        read_only=True, source="speaker.organisation", help_text="May be empty."
    )
    stakeholder_group = serializers.ChoiceField(
        choices=Speaker.StakeholderGroup.choices,
        allow_blank=True,
        read_only=True,
        source="speaker.stakeholder_group",
        help_text="Empty when not known.",
    )
    role = serializers.ChoiceField(choices=Participant.Role.choices, read_only=True)


class SessionSerializer(serializers.Serializer):
    """One published session of the catalogue."""

    key = serializers.CharField(
        read_only=True, help_text="Stable external id, as in the import format."
    )
    slug = serializers.CharField(read_only=True, help_text="Identifies the session in the API.")
    title = serializers.CharField(read_only=True)
    language = serializers.CharField(
        read_only=True,
        help_text="The language of its title, description and report, as a BCP 47 code.",
    )
    date = serializers.DateField(read_only=True)
    start_time = TimeOfDayField()
    end_time = TimeOfDayField()
    type = NamedRefSerializer(read_only=True, help_text="The session type (Workshop, ...).")
    topic = NamedRefSerializer(read_only=True, help_text="The theme it is filed under.")
    meeting = MeetingRefSerializer(read_only=True, help_text="The meeting it was part of.")
    venue = VenueRefSerializer(read_only=True, help_text="Where its meeting took place.")
    description = serializers.CharField(read_only=True, help_text="Sanitised HTML; may be empty.")
    report = ReportSerializer(
        read_only=True,
        source="*",
        help_text="The session report: summary, key takeaways, calls to action.",
    )
    recordings = RecordingSerializer(
        many=True, read_only=True, help_text="Its recordings, in the order its page plays them."
    )
    documents = DocumentSerializer(
        many=True, read_only=True, help_text="Its documents, in the order its page lists them."
    )
    url = WebAddressField(
        help_text="The session's page on the IGF website (http or https), or empty."
    )
    views = serializers.IntegerField(read_only=True, help_text="Views of its page on this site.")
    strategies = StrategyRefSerializer(
        many=True, read_only=True, help_text="The strategies it presents, by name."
    )
    objectives = StrategyPartRefSerializer(
        many=True, read_only=True, help_text="Objectives of those strategies that it discusses."
    )
    enablers = StrategyPartRefSerializer(
        many=True, read_only=True, help_text="Enablers of those strategies that it discusses."
    )
    participants = ParticipantSerializer(
        many=True,
        read_only=True,
        source="ordered_participants",
        help_text="Organisers, speakers, moderators, then rapporteurs, in programme order.",
    )
    tags = NamedRefSerializer(
        many=True, read_only=True, source="tags_by_name", help_text="Its tags, by name."
    )
    related = serializers.SerializerMethodField(
        help_text="Slugs of the published sessions an editor linked to it, most viewed first."
    )
    site_url = serializers.SerializerMethodField(help_text="The session's page on this site.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_related(self, session: Session) -> list[str]:
        return [related.slug for related in session.published_related]

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, session: Session) -> str:
        return site_url(self.context.get("request"), session.get_absolute_url())


class VenueSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True, help_text="Its value in the `venue` filter.")
    name = serializers.CharField(read_only=True, help_text='"City, Country", or "Online".')
    city = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True, help_text="Empty for online meetings.")
    country_code = serializers.CharField(
        read_only=True, help_text="ISO 3166-1 alpha-2; may be empty."
    )
    time_zone = serializers.CharField(
        read_only=True, help_text="IANA time zone, e.g. America/Recife; may be empty."
    )
    # The venue's latest annual meeting's (selectors.with_annual_meeting).
    meeting_number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Which annual IGF was held here (1: 2006)."
    )
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    session_count = serializers.IntegerField(read_only=True, help_text="Published sessions.")
    site_url = serializers.SerializerMethodField(help_text="The venue's page on this site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, venue: Venue) -> str:
        return site_url(self.context.get("request"), venue.get_absolute_url())


class MeetingSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True, help_text="Its value in the `meeting` filter.")
    name = serializers.CharField(read_only=True, help_text='e.g. "IGF 2015", "EuroDIG 2019".')
    kind = serializers.ChoiceField(choices=Meeting.Kind.values, read_only=True)
    number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Which annual IGF it is (1: 2006); annual only."
    )
    theme = serializers.CharField(read_only=True, help_text="Its overarching theme; may be empty.")
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    venue = serializers.CharField(
        source="venue.slug", read_only=True, help_text="Where it was held (/api/venues/)."
    )
    venue_name = serializers.CharField(
        source="venue.name", read_only=True, help_text='"City, Country", or "Online".'
    )
    website = serializers.CharField(read_only=True, help_text="May be empty.")
    description = serializers.CharField(read_only=True, help_text="Sanitised HTML; may be empty.")
    session_count = serializers.IntegerField(read_only=True, help_text="Published sessions.")
    site_url = serializers.SerializerMethodField(help_text="The meeting's page on this site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, meeting: Meeting) -> str:
        return site_url(self.context.get("request"), meeting.get_absolute_url())


class FilterValueSerializer(serializers.Serializer):
    """A session type or topic: a value of a filter of the session list."""

    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True, help_text="Its value in the filter.")
    session_count = serializers.IntegerField(read_only=True, help_text="Published sessions.")
    site_url = serializers.SerializerMethodField(
        help_text="The session list on this site filtered by it."
    )
    # Which filter of /sessions/ the object is a value of; set by the subclass.
    filter_name = ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, item) -> str:
        query = urlencode({self.filter_name: item.slug})
        return site_url(self.context.get("request"), f"{reverse('sessions:list')}?{query}")


class SessionTypeSerializer(FilterValueSerializer):
    filter_name = "type"


class TopicSerializer(FilterValueSerializer):
    filter_name = "topic"


class TagSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True, help_text="Its value in the `tag` filter.")
    session_count = serializers.IntegerField(read_only=True, help_text="Published sessions.")
    site_url = serializers.SerializerMethodField(help_text="The tag's page on this site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, tag: Tag) -> str:
        return site_url(self.context.get("request"), tag.get_absolute_url())


class SpeakerSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True, help_text="Its value in the `speaker` filter.")
    name = serializers.CharField(read_only=True)
    organisation = serializers.CharField(read_only=True, help_text="May be empty.")
    stakeholder_group = serializers.ChoiceField(
        choices=Speaker.StakeholderGroup.choices,
        allow_blank=True,
        read_only=True,
        help_text="Its value in the `stakeholder` filter; empty when not known.",
    )
    regional_group = serializers.ChoiceField(
        choices=Speaker.RegionalGroup.choices,
        allow_blank=True,
        read_only=True,
        help_text="United Nations regional group; empty when not known.",
    )
    bio_link = WebAddressField(help_text="A biography (http or https), or empty.")
    session_count = serializers.IntegerField(read_only=True, help_text="Published sessions.")
    site_url = serializers.SerializerMethodField(help_text="The speaker's page on this site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, speaker: Speaker) -> str:
        return site_url(self.context.get("request"), speaker.get_absolute_url())
