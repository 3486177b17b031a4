"""Benchmark: a search request against an unfiltered list request, on PostgreSQL.

Creates the database named by DATABASE_URL (its name must contain "bench"; an existing
one is dropped first), migrates it, loads the demo data, generates a catalogue of
sessions with speakers, tags, descriptions and transcripts, refreshes the search
vectors, then times N requests of /sessions/?q=... (a few different searches in turn)
and N requests of /sessions/ through Django's test client, alternating the two, and
prints both medians and their ratio. The database is dropped at the end unless --keep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/igf_search_bench \\
        .venv/bin/python bench/search.py [--sessions 10000] [--requests 50]

See bench/README.md.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from databases import drop_database, recreate_database, throwaway_database_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igf_catalogue.test_settings")

SEARCHES = [
    "national digital strategy",
    "cybersecurity",
    "human rights online",
    '"digital divide"',
    "artificial intelligence governance",
    "internet fragmentation",
    "youth participation",
    "data protection -privacy",
    "submarine cables",
]


def _words(text: str) -> list[str]:
    return text.split()


# Words of the catalogue, most frequent first within each list: the generator draws
# with weights falling off with rank, as words do in real text. A session's text mixes
# common words, words of the whole field, and (most) words of its own topic, so that a
# specific word is found in some sessions and a general one in most.
GENERAL_WORDS = _words(
    """
internet digital online policy governance government development technology economy
platforms users services access security network content innovation regulation
community society sector private civil technical academic public global national
regional local international framework strategy capacity participation cooperation
countries challenges opportunities stakeholders multistakeholder forum dialogue
"""
)
TOPIC_WORDS = {
    "Cybersecurity and Trust": _words(
        """
cybersecurity cybercrime encryption incidents CERT CSIRT vulnerabilities norms
resilience trust authentication certificates attacks ransomware botnets malware
phishing response critical infrastructure diplomacy deterrence attribution patching
disclosure spam
"""
    ),
    "Digital Inclusion": _words(
        """
inclusion divide affordability literacy skills rural remote women gender disability
accessibility youth education schools libraries languages multilingualism community
networks underserved indigenous elderly training devices meaningful connectivity
"""
    ),
    "Human Rights and Freedoms": _words(
        """
human rights freedom expression privacy surveillance censorship shutdowns journalism media
assembly association defenders activists safeguards remedies accountability courts
lawful interception oversight dignity equality discrimination harassment hate
"""
    ),
    "Data Governance": _words(
        """
data protection flows localisation transborder consent processing controllers
anonymisation portability open statistics sharing stewardship trusts sovereignty
adequacy cloud storage analytics registries archives metadata interoperability
"""
    ),
    "Emerging Technologies": _words(
        """
artificial intelligence algorithms automation machine learning blockchain quantum
robotics metaverse virtual reality things sensors drones ethics bias explainability
generative models chatbots biometrics facial recognition
"""
    ),
    "Sustainability and Environment": _words(
        """
climate energy emissions e-waste circular sustainable environment green carbon
footprint recycling efficiency renewable disasters agriculture water biodiversity
monitoring satellites smart cities mobility transport
"""
    ),
    "Access and Connectivity": _words(
        """
broadband spectrum satellites cables submarine exchange points IXPs routing IPv6 DNS
mobile operators backbone fibre wireless investment universal service funds pricing
competition neutrality
"""
    ),
    "Other": _words(
        """
ICANN IANA WSIS mandate fragmentation splinternet jurisdiction standards protocols
domain names registrars WHOIS root servers transition enhanced accountability
"""
    ),
}
COMMON_WORDS = _words(
    """
the of and to in a is that for on with as are this be by we it from at our an have
which not more their has will can they all these also but there been one about how
what new so its should who other many into some would than need must between through
countries people work across very important future role first make well both
"""
)
FIRST_NAMES = _words(
    """
Amina Carlos Mei Olga Kwame Priya Lars Fatima Jonas Ana Tomas Noura Hiroshi Grace
Diego Aisha Pierre Lucia Samir Ingrid Kofi Elena Rahul Sofia Yuki Ahmed Maria Peter
Chen Zainab Marta Ivan Leila Daniel Nnenna Raul Anja Omar Beatriz Tariq
"""
)
LAST_NAMES = _words(
    """
Okafor Silva Wang Petrova Mensah Sharma Nilsson Haddad Berg Costa Novak Rahman Tanaka
Mwangi Fernandez Diallo Dubois Romero Khalil Larsen Owusu Ivanova Gupta Rossi Sato
Hassan Garcia Schmidt Li Bello Lopez Kovac Nasser Nakamura Santos Ali Moreno Fischer
Nwakanma Kumar
"""
)
ORGANISATIONS = [
    "Ministry of Information and Communication Technology",
    "Internet Society",
    "ICANN",
    "Association for Progressive Communications",
    "Access Now",
    "Internet Governance Forum Secretariat",
    "ITU",
    "UNESCO",
    "OECD",
    "Council of Europe",
    "European Commission",
    "African Union Commission",
    "Regional Internet Registry",
    "National Telecommunications Regulator",
    "University of Cape Town",
    "University of São Paulo",
    "Digital Rights Foundation",
    "Global Partners Digital",
    "Youth Coalition on Internet Governance",
    "World Wide Web Foundation",
    "Cloud Services Alliance",
    "Mobile Operators Association",
    "Open Data Institute",
    "Child Online Protection Initiative",
    "Cybersecurity Agency",
]
SESSION_TYPES = [
    "Workshop",
    "Open Forum",
    "Main Session",
    "Best Practice Forum",
    "Dynamic Coalition",
    "Lightning Talk",
    "Town Hall",
    "Networking Session",
]


def weighted(words: list[str]) -> tuple[list[str], list[float]]:
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        weights.append(total)
    return words, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000, help="catalogue size")
    parser.add_argument("--requests", type=int, default=50, help="timed requests of each kind")
    parser.add_argument(
        "--transcript-words", type=int, default=1000, help="words of a transcript, on average"
    )
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    settings = throwaway_database_settings("igf_search_bench")
    recreate_database(settings)
    try:
        run(args)
    finally:
        if args.keep:
            print(f"Kept the database {settings['NAME']}.")
        else:
            from django.db import connections

            connections.close_all()
            drop_database(settings)
            print(f"Dropped the database {settings['NAME']}.")


def step(label: str):
    """Print `label`, then the seconds the step took when the returned function is called."""
    print(f"{label}...", end=" ", flush=True)
    started = time.perf_counter()
    return lambda: print(f"{time.perf_counter() - started:.1f} s", flush=True)


def run(args) -> None:
    import django

    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    django.setup()
    from django.core.management import call_command

    done = step("Migrating")
    call_command("migrate", verbosity=0)
    done()
    done = step("Loading the demo data")
    call_command("load_demo_data", stdout=io.StringIO(), stderr=io.StringIO())
    done()
    generate(args)
    measure(args)


def generate(args) -> None:
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from sessions.models import (
        Meeting,
        Participant,
        Session,
        SessionType,
        Speaker,
        Tag,
        Topic,
        Transcript,
    )
    from sessions.search import refresh_all_search_vectors

    rng = random.Random(args.seed)
    general, general_cumulative = weighted(GENERAL_WORDS)
    common, common_cumulative = weighted(COMMON_WORDS)
    topical = {topic: weighted(words) for topic, words in TOPIC_WORDS.items()}

    def text(count: int, topic: str) -> str:
        # Half common words, as in speech and prose; a fifth words of the field; the
        # rest words of the topic. A sentence every 8 to 20 words.
        words, cumulative = topical[topic]
        picked = rng.choices(words, cum_weights=cumulative, k=count)
        picked[::2] = rng.choices(common, cum_weights=common_cumulative, k=len(picked[::2]))
        picked[1::5] = rng.choices(general, cum_weights=general_cumulative, k=len(picked[1::5]))
        end = rng.randint(8, 20)
        while end < count:
            picked[end - 1] += "."
            end += rng.randint(8, 20)
        sentence = " ".join(picked)
        return f"{sentence[:1].upper()}{sentence[1:]}."

    existing = Session.objects.count()
    count = max(args.sessions - existing, 0)
    done = step(f"Generating {count} sessions (the demo data has {existing})")
    # Each session is held during a meeting of the demo data, at the meeting's venue.
    meetings = list(
        Meeting.objects.exclude(start_date=None).exclude(end_date=None).select_related("venue")
    )
    types = [SessionType.objects.get_or_create(name=name)[0] for name in SESSION_TYPES]
    topics = [Topic.objects.get_or_create(name=name)[0] for name in TOPIC_WORDS]
    taken = {name.casefold() for name in Tag.objects.values_list("name", flat=True)}
    Tag.objects.bulk_create(
        Tag(name=name, slug=f"{slugify(name)}-b")
        for name in dict.fromkeys(word for words in TOPIC_WORDS.values() for word in words)
        if name.casefold() not in taken
    )
    tag_by_name = {tag.name.casefold(): tag for tag in Tag.objects.all()}
    tags_of = {
        topic: [tag_by_name[word.casefold()] for word in dict.fromkeys(words)]
        for topic, words in TOPIC_WORDS.items()
    }
    speakers = Speaker.objects.bulk_create(
        Speaker(
            name=f"{first} {last}",
            slug=f"{slugify(first)}-{slugify(last)}-b{number}",
            organisation=rng.choice(ORGANISATIONS),
            stakeholder_group=rng.choice(Speaker.StakeholderGroup.values),
        )
        for number, (first, last) in enumerate(
            (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(3000)
        )
    )
    now = timezone.now()
    transcript_words = args.transcript_words
    batch = 500
    Tagged = Session.tags.through
    with transaction.atomic():
        for start in range(0, count, batch):
            sessions = []
            for number in range(start, min(start + batch, count)):
                meeting = rng.choice(meetings)
                days = (meeting.end_date - meeting.start_date).days
                topic = rng.choice(topics)
                words, cumulative = topical[topic.name]
                title = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(2, 6)))
                title = f"{title[:1].upper()}{title[1:]}"
                sessions.append(
                    Session(
                        key=f"bench-{number}",
                        title=title,
                        slug=f"{slugify(title)[:300]}-b{number}",
                        date=meeting.start_date + datetime.timedelta(days=rng.randint(0, days)),
                        type=rng.choice(types),
                        topic=topic,
                        meeting=meeting,
                        description="".join(
                            f"<p>{text(rng.randint(30, 80), topic.name)}</p>"
                            for _ in range(rng.randint(1, 3))
                        ),
                        status=Session.Status.PUBLISHED,
                        views=int(rng.paretovariate(1.2) * 20),
                        published_at=now,
                    )
                )
            sessions = Session.objects.bulk_create(sessions)
            Participant.objects.bulk_create(
                Participant(session=session, speaker=speaker, role=role, order=order)
                for session in sessions
                for order, (speaker, role) in enumerate(
                    zip(
                        rng.sample(speakers, rng.randint(2, 6)),
                        rng.choices(Participant.Role.values, weights=[1, 5, 1, 1], k=6),
                        strict=False,
                    )
                )
            )
            Tagged.objects.bulk_create(
                Tagged(session=session, tag=tag)
                for session in sessions
                for tag in rng.sample(tags_of[session.topic.name], rng.randint(1, 4))
            )
            Transcript.objects.bulk_create(
                Transcript(
                    session=session,
                    language="en",
                    text=text(
                        rng.randint(transcript_words // 2, transcript_words * 3 // 2),
                        session.topic.name,
                    ),
                )
                for session in sessions
            )
    done()

    done = step("Refreshing the search vectors")
    refresh_all_search_vectors(batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    done()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(sum(octet_length(text))) FROM catalogue_transcript")
        transcripts = cursor.fetchone()[0]
    print(
        f"Catalogue: {Session.objects.count()} sessions, {Transcript.objects.count()} "
        f"transcripts ({transcripts} of text), {Participant.objects.count()} participants, "
        f"{Tagged.objects.count()} tag links; database {size}."
    )


def measure(args) -> None:
    from django.test import Client

    from sessions.models import Session
    from sessions.search import search_sessions

    client = Client()
    search_urls = [f"/sessions/?{urlencode({'q': q})}" for q in SEARCHES]

    def timed(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        return elapsed

    # Warm the connection, the templates and PostgreSQL's caches.
    for url in ["/sessions/", *search_urls]:
        timed(url)

    list_times, search_times = [], []
    per_search: dict[str, list[float]] = {q: [] for q in SEARCHES}
    for number in range(args.requests):
        list_times.append(timed("/sessions/"))
        q = SEARCHES[number % len(SEARCHES)]
        search_times.append(timed(search_urls[number % len(SEARCHES)]))
        per_search[q].append(search_times[-1])

    print(f"\n{args.requests} requests of each kind, alternating:")
    for q in SEARCHES:
        found = search_sessions(Session.objects.published(), q).count()
        median = statistics.median(per_search[q]) * 1000 if per_search[q] else float("nan")
        print(f"  q={q!r:40} {found:>6} sessions found, median {median:7.1f} ms")
    list_median = statistics.median(list_times) * 1000
    search_median = statistics.median(search_times) * 1000
    print(f"Median unfiltered list  /sessions/      {list_median:7.1f} ms")
    print(f"Median search           /sessions/?q=   {search_median:7.1f} ms")
    print(f"Ratio search / list                     {search_median / list_median:7.2f}")


if __name__ == "__main__":
    main()
