"""factory_boy factories for every catalogue model."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from sessions.models import (
    DailyViews,
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
from strategies.models import Enabler, Objective, Strategy


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("city", "country")

    city = factory.Sequence(lambda n: f"City {n}")
    country = "Testland"
    country_code = "TL"


class MeetingFactory(factory.django.DjangoModelFactory):
    """An annual IGF at a venue of its own unless told otherwise."""

    class Meta:
        model = Meeting

    name = factory.LazyAttribute(lambda meeting: f"IGF {meeting.start_date.year}")
    kind = Meeting.Kind.ANNUAL
    start_date = datetime.date(2015, 11, 10)
    end_date = factory.LazyAttribute(lambda meeting: meeting.start_date + datetime.timedelta(3))
    venue = factory.SubFactory(VenueFactory)


def annual_meeting_at(venue: Venue, *, number: int | None, start: datetime.date, end=None) -> Venue:
    """`venue`, host of the annual IGF that opened on `start` (numbered, or not yet; its
    last day `end`, if known); one that another fixture made already stays as it is."""
    held = Meeting.objects.annual().filter(venue=venue, start_date__year=start.year)
    if not held.exists():
        MeetingFactory(venue=venue, number=number, start_date=start, end_date=end)
    return venue


def meeting_held_at(venue: Venue, day: datetime.date) -> Meeting:
    """The meeting at `venue` in `day`'s year, the annual one first, as the import finds
    it; else a new annual IGF of that year there, unnumbered, held on `day`: a test that
    needs another kind of meeting makes it with MeetingFactory."""
    held = Meeting.objects.filter(venue=venue, start_date__year=day.year)
    meeting = held.filter(kind=Meeting.Kind.ANNUAL).first() or held.first()
    if meeting is None:
        meeting = MeetingFactory(venue=venue, start_date=day, end_date=day)
    return meeting


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType
        django_get_or_create = ("name",)

    name = "Workshop"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = "Other"


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    name = factory.Sequence(lambda n: f"Strategy {n}")
    country = "Mexico"
    year = 2013


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Objective {n}")
    order = factory.Sequence(int)


class EnablerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enabler

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Enabler {n}")
    order = factory.Sequence(int)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"test-{n}")
    title = factory.Sequence(lambda n: f"Session {n}")
    date = datetime.date(2015, 11, 12)
    type = factory.SubFactory(SessionTypeFactory)
    topic = factory.SubFactory(TopicFactory)
    # A session belongs to a meeting; give the meeting, or the venue alone and it
    # belongs to the meeting held there that year (`meeting_held_at`).
    meeting = factory.LazyAttribute(lambda session: meeting_held_at(session.venue, session.date))
    description = "<p>A session.</p>"

    class Params:
        venue = factory.SubFactory(VenueFactory, city="João Pessoa", country="Brazil")

    status = Session.Status.PUBLISHED

    @factory.post_generation
    def strategies(self, create, extracted, **kwargs):
        if create and extracted:
            self.strategies.set(extracted)

    @factory.post_generation
    def related(self, create, extracted, **kwargs):
        if create and extracted:
            self.related.set(extracted)

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if create and extracted:
            self.objectives.set(extracted)

    @factory.post_generation
    def enablers(self, create, extracted, **kwargs):
        if create and extracted:
            self.enablers.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    organisation = "Ministry of Communications"
    stakeholder_group = Speaker.StakeholderGroup.GOVERNMENT
    regional_group = Speaker.RegionalGroup.GRULAC


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    role = Participant.Role.SPEAKER
    order = factory.Sequence(int)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tag {n}")


class TranscriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transcript

    session = factory.SubFactory(SessionFactory)
    language = "en"
    text = "Good morning, everyone.\n\nLet us begin."


class RecordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recording

    session = factory.SubFactory(SessionFactory)
    url = factory.Sequence(lambda n: f"https://www.youtube.com/watch?v=abcdefghi{n % 100:02}")
    language = "en"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    kind = Document.Kind.PROPOSAL
    url = factory.Sequence(lambda n: f"https://www.intgovforum.org/documents/{n}.pdf")


class DailyViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyViews

    session = factory.SubFactory(SessionFactory)
    day = factory.LazyFunction(datetime.date.today)
    views = 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class EditorFactory(UserFactory):
    """A secretariat editor: staff, in the Editors group the data migration made."""

    is_staff = True

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"))
