"""Relevance on the real IGF sessions of the demo data, on both databases: each is found
in the top 3 by the words of its title and in the top 5 by words of its description."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command

from sessions.browsing.filters import RELEVANCE_ORDER
from sessions.models import Session
from sessions.search import search_sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_sessions() -> list[Session]:
    call_command("load_demo_data", stdout=StringIO(), stderr=StringIO())
    return list(Session.objects.published())


def best(text: str, count: int) -> list[int]:
    found = search_sessions(Session.objects.published(), text).order_by(*RELEVANCE_ORDER)
    return list(found.values_list("pk", flat=True)[:count])


def first_words(description: str, count: int) -> str:
    """The first `count` words of a description's text, without HTML or punctuation."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", description))
    return " ".join(re.findall(r"[^\W_]+(?:['-][^\W_]+)*", text)[:count])


def test_every_demo_session_is_in_the_top_3_for_its_title(demo_sessions):
    missed = [s.title for s in demo_sessions if s.pk not in best(s.title, 3)]
    assert missed == []


def test_every_demo_session_is_in_the_top_5_for_words_of_its_description(demo_sessions):
    described = [s for s in demo_sessions if s.description]
    assert len(described) > 50
    missed = [
        (s.title, first_words(s.description, 8))
        for s in described
        if s.pk not in best(first_words(s.description, 8), 5)
    ]
    assert missed == []
