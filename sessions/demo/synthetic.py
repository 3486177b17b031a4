"""A synthetic catalogue of any size, for benchmarks (`manage.py generate_catalogue`).

It looks like the real one grown to every session of every IGF and national or
regional IGF: twenty years of annual meetings (those of `demo/igf-meetings.csv`) and
forty national and regional meetings beside them, two a year, every session held
during its meeting at its meeting's venue, 15 session types, 40 topics, tens of
thousands of speakers (2 to 6 participants a session), tags, a transcript on one
session in ten, recordings on one in four (on one in twenty, in the six UN languages),
documents on one in five, links between sessions and views per day over two years, spread as
views are: a few sessions get most of them.

Everything is written with `bulk_create` in batches, so signals do not run: the search
vectors are computed at the end in batches, and the catalogue version is bumped once.
"""

import datetime
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from slugify import slugify

from sessions.caching.version import bump_catalogue_version
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
from sessions.search import refresh_all_search_vectors

from .loading import DEMO_DIR, LoadCounts, VenueLoader, load_meetings


def _split(text: str) -> list[str]:
    return text.split()


BATCH_SIZE = 5000
FIRST_YEAR, LAST_YEAR = 2006, 2025
# The share of sessions held at a national or regional IGF rather than the annual one.
NATIONAL_SHARE = 0.4
TRANSCRIPT_SHARE = 0.1
RECORDING_SHARE = 0.25
INTERPRETED_SHARE = 0.05  # recorded in each of the six UN languages, as main sessions are
UN_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
DOCUMENT_SHARE = 0.2
DRAFT_SHARE = 0.02
RELATED_SHARE = 0.3
VIEWED_DAYS_SHARE = 0.2  # sessions with per-day views in the last two years
VIEW_HISTORY_DAYS = 730

SESSION_TYPES = [
    "Workshop", "Main Session", "Open Forum", "Best Practice Forum", "Lightning Talk",
    "Dynamic Coalition", "Town Hall", "Networking Session", "Launch or Award Event",
    "High-Level Session", "Parliamentary Track", "Youth Track", "Day 0 Event",
    "Policy Network", "Pre-Event",
]  # fmt: skip
TOPICS = [
    "Other", "Cybersecurity and Trust", "Digital Inclusion", "Human Rights and Freedoms",
    "Access and Connectivity", "Artificial Intelligence", "Data Governance",
    "Internet Fragmentation", "Sustainable Development", "Emerging Technologies",
    "Critical Internet Resources", "Openness", "Diversity", "Privacy",
    "Content Moderation", "Child Online Protection", "Gender and the Internet",
    "Digital Economy", "E-commerce and Trade", "Environment and Climate",
    "Infrastructure", "Internet of Things", "Multistakeholder Cooperation",
    "Global Digital Compact", "Digital Public Goods", "Misinformation",
    "Media and Journalism", "Cultural Diversity", "Multilingualism",
    "Online Education", "Health and Digital", "Future of Work", "Smart Cities",
    "Blockchain", "Quantum Technologies", "Digital Identity", "Spam and Malware",
    "Net Neutrality", "Capacity Development", "Youth Engagement",
]  # fmt: skip
NATIONAL_MEETINGS = [
    ("Abuja", "Nigeria", "NG"), ("Accra", "Ghana", "GH"), ("Kampala", "Uganda", "UG"),
    ("Dakar", "Senegal", "SN"), ("Tunis", "Tunisia", "TN"), ("Cape Town", "South Africa", "ZA"),
    ("Bogotá", "Colombia", "CO"), ("Buenos Aires", "Argentina", "AR"),
    ("Santiago", "Chile", "CL"), ("Lima", "Peru", "PE"), ("São Paulo", "Brazil", "BR"),
    ("Mexico City", "Mexico", "MX"), ("Ottawa", "Canada", "CA"),
    ("Washington", "United States", "US"), ("London", "United Kingdom", "GB"),
    ("Madrid", "Spain", "ES"), ("Rome", "Italy", "IT"), ("Warsaw", "Poland", "PL"),
    ("Kyiv", "Ukraine", "UA"), ("Tbilisi", "Georgia", "GE"), ("Yerevan", "Armenia", "AM"),
    ("Almaty", "Kazakhstan", "KZ"), ("Dhaka", "Bangladesh", "BD"),
    ("Colombo", "Sri Lanka", "LK"), ("Kathmandu", "Nepal", "NP"), ("Jakarta", "Indonesia", "ID"),
    ("Manila", "Philippines", "PH"), ("Bangkok", "Thailand", "TH"), ("Seoul", "South Korea", "KR"),
    ("Taipei", "Taiwan", "TW"), ("Canberra", "Australia", "AU"),
    ("Wellington", "New Zealand", "NZ"), ("Suva", "Fiji", "FJ"), ("Beirut", "Lebanon", "LB"),
    ("Amman", "Jordan", "JO"), ("Port of Spain", "Trinidad and Tobago", "TT"),
    ("Kingston", "Jamaica", "JM"), ("Panama City", "Panama", "PA"),
    ("Tallinn", "Estonia", "EE"), ("Stockholm", "Sweden", "SE"),
]  # fmt: skip
# The places above host forty meetings, two a year (`_meeting_plan`): the first twenty a
# national IGF ("IGF Nigeria 2006"), the others a regional one, of the region below.
REGIONAL_IGFS = {
    "AM": "South Caucasus", "KZ": "Central Asian", "BD": "South Asian", "LK": "South Asian",
    "NP": "South Asian", "ID": "Asia Pacific", "PH": "Asia Pacific", "TH": "Asia Pacific",
    "KR": "Asia Pacific", "TW": "Asia Pacific", "AU": "Asia Pacific", "NZ": "Pacific",
    "FJ": "Pacific", "LB": "Arab", "JO": "Arab", "TT": "Caribbean", "JM": "Caribbean",
    "PA": "Latin American and Caribbean", "EE": "Baltic", "SE": "Nordic",
}  # fmt: skip
WORDS = _split("""
internet digital online policy governance government development technology economy
platforms users services access security network content innovation regulation community
society sector private civil technical academic public global national regional local
international framework strategy capacity participation cooperation countries challenges
opportunities stakeholders multistakeholder forum dialogue cybersecurity encryption trust
resilience inclusion divide affordability literacy skills rural women gender youth
accessibility education languages connectivity rights freedom expression privacy
surveillance journalism accountability data protection flows sovereignty algorithms
artificial intelligence ethics automation standards interoperability spectrum satellites
cables infrastructure investment broadband mobile sustainable climate environment health
identity payments trade taxation competition markets startups sandbox blockchain
""")
# The running text of descriptions and transcripts draws from a larger vocabulary, as
# real text does: the words above first, then made-up ones, each word's frequency falling
# with its rank (Zipf's law), so that a few words are in most sessions and most words in
# few. A search for any but the commonest words then matches a small share of the catalogue.
VOCABULARY_SIZE = 20_000
ZIPF_EXPONENT = 1.0
SYLLABLES = _split("""
ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu ma me mi mo mu
na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo
za ze zi zo tra tre tri pla ple pli cor mar ven lin tor dan gel sil
""")


def _vocabulary(size: int) -> list[str]:
    """The words above in a fixed shuffled order, then made-up words up to `size`."""
    rng = random.Random(20_000)
    known = list(WORDS)
    rng.shuffle(known)
    words, seen = known, set(known)
    while len(words) < size:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


VOCABULARY = _vocabulary(VOCABULARY_SIZE)
# Cumulative weights, computed once: rng.choices then only bisects.
VOCABULARY_WEIGHTS = list(
    itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, VOCABULARY_SIZE + 1))
)
TITLE_PATTERNS = [
    "{A} and {B}: {C} for {D}",
    "{A} in the {B} era",
    "Building {A} {B} in {place}",
    "{A}, {B} and the future of {C}",
    "Why {A} matters for {B}",
    "{A} {B}: lessons from {place}",
    "Towards {A} {B}",
    "Bridging the {A} {B}",
]
FIRST_NAMES = _split("""
Amina Ana Carlos Chen Daniel Fatima Grace Hiroshi Ibrahim Ingrid Jean Kwame Lars Leila
Lucia Maria Mateo Mei Mohamed Nadia Olga Omar Pablo Priya Raj Rosa Samir Sofia Tariq
Yuki Zanele Elena Kofi Noor Ahmed Irina Luis Marta Sipho Thandi
""")
LAST_NAMES = _split("""
Abebe Adeyemi Ali Andersen Bauer Chen Costa Diallo Dubois Fernandes Garcia Haddad Ito
Jensen Kamau Kim Kowalski Kumar Lee Martin Mensah Moreau Müller Nakamura Nguyen Okafor
Patel Perez Rossi Santos Schmidt Silva Singh Suzuki Tanaka Torres Wang Yilmaz Zhou Novak
""")
ORGANISATIONS = [
    "Ministry of ICT", "Internet Society", "ICANN", "Access Now", "APC", "Google",
    "Microsoft", "Meta", "ITU", "UNESCO", "OECD", "Council of Europe", "RIPE NCC",
    "AFRINIC", "LACNIC", "APNIC", "Derechos Digitales", "CIS India", "EFF", "W3C",
    "University of Oxford", "University of Cape Town", "Diplo Foundation", "GSMA",
    "Mozilla", "Cloudflare", "Article 19", "Privacy International", "UNDP", "World Bank",
]  # fmt: skip
TAGS = sorted(
    {word.capitalize() for word in WORDS}
    | {"IPv6", "AI governance", "5G", "DNS", "GDPR", "SDGs", "WSIS+20", "Open data"}
)


@dataclass
class GenerationResult:
    sessions: int = 0
    speakers: int = 0
    participants: int = 0
    tags: int = 0
    transcripts: int = 0
    recordings: int = 0
    documents: int = 0
    related: int = 0
    daily_views: int = 0
    meetings: int = 0  # the meetings the sessions were spread over
    seconds: float = 0.0
    search_seconds: float = 0.0

    @property
    def sessions_per_second(self) -> float:
        return self.sessions / self.seconds if self.seconds else 0.0


def generate_catalogue(
    *,
    sessions: int,
    seed: int = 2006,
    speakers: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> GenerationResult:
    """Add `sessions` synthetic sessions (and their speakers, tags, transcripts, links and
    views) to the catalogue; the same `seed` gives the same catalogue."""
    rng = random.Random(seed)
    # Recordings and documents draw from their own sequence, so that a seed gives the
    # same sessions, speakers and views as before they were added.
    archive_rng = random.Random(seed + 1)
    result = GenerationResult()
    report = progress or (lambda line: None)
    started = time.perf_counter()
    # One speaker for five sessions, 20,000 for the 100,000 of a full catalogue.
    speaker_count = speakers if speakers is not None else max(20, min(20_000, sessions // 5))
    annual, others = _meetings()
    result.meetings = len(annual) + len(others)
    annual_by_year = {meeting.start_date.year: meeting for meeting in annual}
    others_by_year: dict[int, list[Meeting]] = {}
    for meeting in others:
        others_by_year.setdefault(meeting.start_date.year, []).append(meeting)
    types = _named(SessionType, SESSION_TYPES)
    topics = _named(Topic, TOPICS)
    tags = _named(Tag, TAGS)
    result.tags = len(tags)
    speaker_ids = _speakers(rng, speaker_count, batch_size)
    result.speakers = len(speaker_ids)
    first_number = Session.objects.filter(key__startswith="synthetic-").count() + 1
    today = timezone.localdate()
    generated_ids: list[int] = []
    numbers = range(first_number, first_number + sessions)
    for start in range(0, sessions, batch_size):
        batch = numbers[start : start + batch_size]
        with transaction.atomic():
            created = Session.objects.bulk_create(
                [
                    _session(rng, number, annual_by_year, others_by_year, types, topics)
                    for number in batch
                ],
                batch_size=batch_size,
            )
            ids = [session.pk for session in created]
            result.participants += _participants(rng, ids, speaker_ids, batch_size)
            result.transcripts += _transcripts(rng, ids, batch_size)
            result.recordings += _recordings(archive_rng, ids, batch_size)
            result.documents += _documents(archive_rng, ids, batch_size)
            _tag(rng, ids, tags, batch_size)
            result.related += _relate(rng, ids, generated_ids, batch_size)
            result.daily_views += _daily_views(rng, ids, today, batch_size)
        generated_ids.extend(ids)
        result.sessions += len(ids)
        elapsed = time.perf_counter() - started
        report(f"{result.sessions} of {sessions} sessions ({result.sessions / elapsed:.0f}/s)")
    result.seconds = time.perf_counter() - started
    search_started = time.perf_counter()
    refresh_all_search_vectors(
        batch_size=batch_size,
        progress=lambda done, total: report(f"search vectors: {done} of {total}"),
    )
    result.search_seconds = time.perf_counter() - search_started
    if connection.vendor == "postgresql":
        # As autovacuum would soon: without statistics on the new rows the planner
        # chooses plans for empty tables, and without the visibility map a count
        # cannot be read from an index alone.
        with connection.cursor() as cursor:
            # VACUUM cannot run within a transaction (nor in a test's).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    bump_catalogue_version()
    return result


def _meetings() -> tuple[list[Meeting], list[Meeting]]:
    """The twenty annual meetings, and the forty others, made unless they exist."""
    annual = load_meetings(
        path=DEMO_DIR / "igf-meetings.csv", venues=VenueLoader(LoadCounts()), counts=LoadCounts()
    )
    existing = {(venue.city, venue.country) for venue in Venue.objects.all()}
    Venue.objects.bulk_create(
        Venue(
            city=city,
            country=country,
            country_code=code,
            slug=slugify(f"{city} {country}"),
        )
        for city, country, code in NATIONAL_MEETINGS
        if (city, country) not in existing
    )
    venues = {(venue.city, venue.country): venue for venue in Venue.objects.all()}
    plan = _meeting_plan()
    names = [name for name, *_ in plan]
    made = set(Meeting.objects.filter(name__in=names).values_list("name", flat=True))
    taken = set(Meeting.objects.values_list("slug", flat=True))
    new = []
    for name, kind, place, start, end in plan:
        if name in made:
            continue
        slug = slugify(name)
        while slug in taken:
            slug += "-x"
        taken.add(slug)
        new.append(
            Meeting(
                name=name,
                slug=slug,
                kind=kind,
                start_date=start,
                end_date=end,
                venue=venues[place],
            )
        )
    Meeting.objects.bulk_create(new)
    by_name = {m.name: m for m in Meeting.objects.filter(name__in=names).select_related("venue")}
    # With their venues, read once here rather than once a session.
    annual = list(
        Meeting.objects.filter(pk__in=[meeting.pk for meeting in annual])
        .select_related("venue")
        .order_by("number")
    )
    return annual, [by_name[name] for name in names]


def _meeting_plan() -> list[tuple[str, str, tuple[str, str], datetime.date, datetime.date]]:
    """(name, kind, (city, country), first day, last day) of the forty national and regional
    meetings: the same whatever the seed, so that a second run reuses them. Place i hosts
    one in year FIRST_YEAR + i % 20, of one to three days between March and October."""
    years = LAST_YEAR - FIRST_YEAR + 1
    plan = []
    for index, (city, country, code) in enumerate(NATIONAL_MEETINGS):
        year = FIRST_YEAR + index % years
        if index < len(NATIONAL_MEETINGS) // 2:
            name, kind = f"IGF {country} {year}", Meeting.Kind.NATIONAL
        else:
            name, kind = f"{REGIONAL_IGFS[code]} IGF {year}", Meeting.Kind.REGIONAL
        start = datetime.date(year, 3 + index * 5 % 8, 1 + index * 7 % 25)
        end = start + datetime.timedelta(days=index % 3)
        plan.append((name, kind, (city, country), start, end))
    return plan


def _named(model, names: list[str]) -> list:
    existing = {obj.name.casefold() for obj in model.objects.all()}
    taken = set(model.objects.values_list("slug", flat=True))
    new = []
    for name in names:
        if name.casefold() in existing:
            continue
        slug = slugify(name) or "item"
        while slug in taken:
            slug += "-x"
        taken.add(slug)
        new.append(model(name=name, slug=slug))
    model.objects.bulk_create(new)
    wanted = {name.casefold() for name in names}
    return [obj for obj in model.objects.order_by("pk") if obj.name.casefold() in wanted]


def _speakers(rng: random.Random, count: int, batch_size: int) -> list[int]:
    first = Speaker.objects.filter(slug__startswith="synthetic-").count()
    created = Speaker.objects.bulk_create(
        (
            Speaker(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                slug=f"synthetic-speaker-{number}",
                organisation=rng.choice(ORGANISATIONS),
                stakeholder_group=rng.choice(Speaker.StakeholderGroup.values),
                regional_group=rng.choice(Speaker.RegionalGroup.values),
            )
            for number in range(first + 1, first + count + 1)
        ),
        batch_size=batch_size,
    )
    return [speaker.pk for speaker in created]


def _words(rng: random.Random, count: int) -> str:
    text = " ".join(rng.choices(VOCABULARY, cum_weights=VOCABULARY_WEIGHTS, k=count))
    return f"{text[:1].upper()}{text[1:]}."


def _session(rng, number, annual_by_year, others_by_year, types, topics) -> Session:
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    meeting = annual_by_year.get(year)
    if meeting is None or rng.random() < NATIONAL_SHARE:
        meeting = rng.choice(others_by_year[year])
    venue = meeting.venue
    span = (meeting.end_date - meeting.start_date).days
    date = meeting.start_date + datetime.timedelta(days=rng.randint(0, span))
    words = rng.sample(WORDS, 4)
    title = rng.choice(TITLE_PATTERNS).format(
        A=words[0].capitalize(), B=words[1], C=words[2], D=words[3], place=venue.city
    )
    hour = rng.randint(8, 17)
    return Session(
        key=f"synthetic-{number}",
        title=title,
        slug=f"{slugify(title)[:290]}-{number}",
        date=date,
        start_time=datetime.time(hour, rng.choice((0, 15, 30, 45))),
        end_time=datetime.time(hour + 1, 30),
        type=rng.choice(types),
        topic=rng.choice(topics),
        meeting=meeting,
        description=f"<p>{_words(rng, rng.randint(40, 120))}</p>",
        status=Session.Status.DRAFT if rng.random() < DRAFT_SHARE else Session.Status.PUBLISHED,
        # Views fall off with rank, as they do: most sessions few, a few very many.
        views=int(rng.paretovariate(1.2) * 40),
        published_at=timezone.now(),
    )


def _participants(rng, session_ids, speaker_ids, batch_size) -> int:
    roles = Participant.Role.values
    rows = []
    for session_id in session_ids:
        for order, speaker_id in enumerate(rng.sample(speaker_ids, rng.randint(2, 6))):
            role = roles[0] if order == 0 else rng.choice(roles[1:])
            rows.append(
                Participant(session_id=session_id, speaker_id=speaker_id, role=role, order=order)
            )
    Participant.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _transcripts(rng, session_ids, batch_size) -> int:
    rows = [
        Transcript(session_id=session_id, text=_words(rng, rng.randint(300, 800)))
        for session_id in session_ids
        if rng.random() < TRANSCRIPT_SHARE
    ]
    Transcript.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _recordings(rng, session_ids, batch_size) -> int:
    rows = []
    for session_id in session_ids:
        if rng.random() >= RECORDING_SHARE:
            continue
        interpreted = rng.random() < INTERPRETED_SHARE / RECORDING_SHARE
        for order, language in enumerate(UN_LANGUAGES if interpreted else UN_LANGUAGES[:1]):
            video = "".join(rng.choices(YOUTUBE_ID_CHARACTERS, k=11))
            rows.append(
                Recording(
                    session_id=session_id,
                    url=f"https://www.youtube.com/watch?v={video}",
                    language=language,
                    length=datetime.timedelta(minutes=rng.choice([60, 75, 90, 180])),
                    order=order,
                )
            )
    Recording.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


YOUTUBE_ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _documents(rng, session_ids, batch_size) -> int:
    rows = [
        Document(
            session_id=session_id,
            title=title,
            kind=kind,
            url=f"https://www.intgovforum.org/en/filedepot_download/{session_id}/{order}",
            order=order,
        )
        for session_id in session_ids
        if rng.random() < DOCUMENT_SHARE
        for order, (title, kind) in enumerate(
            [("Session proposal", "proposal"), ("Session report", "report")][: rng.randint(1, 2)]
        )
    ]
    Document.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _tag(rng, session_ids, tags, batch_size) -> None:
    Tagged = Session.tags.through
    Tagged.objects.bulk_create(
        (
            Tagged(session_id=session_id, tag_id=tag.pk)
            for session_id in session_ids
            for tag in rng.sample(tags, rng.randint(0, 4))
        ),
        batch_size=batch_size,
    )


def _relate(rng, session_ids, earlier_ids, batch_size) -> int:
    Related = Session.related.through
    pool = earlier_ids or session_ids
    rows = []
    for session_id in session_ids:
        if rng.random() < RELATED_SHARE:
            targets = {rng.choice(pool) for _ in range(rng.randint(1, 3))} - {session_id}
            rows.extend(Related(from_session_id=session_id, to_session_id=t) for t in targets)
    Related.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _daily_views(rng, session_ids, today, batch_size) -> int:
    # Sparse: one session in five has views in the last two years, on a few days each.
    rows = []
    for session_id in session_ids:
        if rng.random() < VIEWED_DAYS_SHARE:
            days = {rng.randint(0, VIEW_HISTORY_DAYS - 1) for _ in range(rng.randint(1, 12))}
            rows.extend(
                DailyViews(
                    session_id=session_id,
                    day=today - datetime.timedelta(days=back),
                    views=rng.randint(1, 30),
                )
                for back in days
            )
    DailyViews.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
