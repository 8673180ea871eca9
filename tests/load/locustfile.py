"""Locust scenarios for `make loadtest` (driven by tests/load/run.py, headless).

Each scenario is a User class so the runner can measure it alone (throughput against
the ceiling) and all together (the mixed traffic of a consultation's opening day).
"""

import collections
import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant_throughput, events, task

SLUG = os.environ.get("LOAD_QUESTIONNAIRE", "recueil-des-attentes")
TOKENS = json.loads(os.environ.get("LOAD_TOKENS", "[]"))
PRACTICE_IDS = json.loads(os.environ.get("LOAD_PRACTICE_IDS", "[]"))
STATEMENT_IDS = json.loads(os.environ.get("LOAD_STATEMENT_IDS", "[]"))
VOTES = ["agree", "disagree", "pass"]
CATEGORIES = ["professionnels", "usagers", "elus", "benevoles", "employeurs", "formation"]
QUESTIONS = json.loads(os.environ.get("LOAD_QUESTIONS", "[]"))
SEARCHES = ["logement", "formation", "usagers", "coordination", "enfance", "handicap"]
# The national phase (tests/load/national.py): moderators' tokens, ids to publish and to read.
NATIONAL = json.loads(os.environ.get("LOAD_NATIONAL", "{}"))
MODERATORS = NATIONAL.get("moderators", [])
_PENDING = iter(NATIONAL.get("pending", []))
READABLE = NATIONAL.get("contributions", [])
THEMES = [f"T{n}" for n in range(1, 7)]
TERRITORIES = ["grand-sud", "grand-est", "sud-ouest", "grand-nord", "ile-de-france-centre"]
# X-Cache of each answer, per scenario name, written out when locust stops.
CACHE_OUT = os.environ.get("LOAD_CACHE_OUT", "")
_cache = collections.defaultdict(collections.Counter)


@events.request.add_listener
def _count_cache(name, response=None, exception=None, **_kwargs):
    if CACHE_OUT and response is not None and exception is None:
        _cache[name][(response.headers or {}).get("X-Cache", "none")] += 1


@events.quitting.add_listener
def _write_cache(**_kwargs):
    if CACHE_OUT:
        Path(CACHE_OUT).write_text(json.dumps({k: dict(v) for k, v in _cache.items()}))


def questionnaire_answers() -> list[dict]:
    answers = []
    for question in QUESTIONS:
        kind = question["kind"]
        if kind == "single" and question["choices"]:
            answers.append(
                {"question": question["id"], "choice": random.choice(question["choices"])}
            )
        elif kind == "multiple" and question["choices"]:
            answers.append({"question": question["id"], "choices": question["choices"][:2]})
        elif kind == "scale":
            value = random.randint(question["scale_min"], question["scale_max"])
            answers.append({"question": question["id"], "value": value})
        elif kind == "text":
            # A distinct text each time: the same response resent from one address and
            # browser within minutes is counted once (double-click protection).
            text = f"Plus de temps pour les usagers (n° {random.randrange(10**9)})."
            answers.append({"question": question["id"], "text": text})
    return answers


class _Base(FastHttpUser):
    abstract = True
    wait_time = between(0, 0.05)


class HomeUser(_Base):
    @task
    def home(self):
        self.client.get("/", name="home")


class DemarcheUser(_Base):
    @task
    def demarche(self):
        self.client.get("/la-demarche/", name="démarche")


class ContributionSearchUser(_Base):
    @task
    def search(self):
        self.client.get(f"/contributions/?q={random.choice(SEARCHES)}", name="contributions search")


class PracticeUser(_Base):
    @task
    def practice(self):
        practice_id = random.choice(PRACTICE_IDS)
        self.client.get(f"/pratiques/{practice_id}/", name="practice page")


class QuestionnaireUser(_Base):
    @task
    def answer(self):
        self.client.post(
            f"/api/v1/questionnaires/{SLUG}/responses/",
            json={
                "actor_category": "professionnels",
                "department": "13",
                "answers": questionnaire_answers(),
            },
            name="questionnaire (anonymous)",
        )


class ContributionSubmitUser(_Base):
    def on_start(self):
        self.token = random.choice(TOKENS)

    @task
    def submit(self):
        self.client.post(
            "/api/v1/contributions/",
            json={
                "kind": "expectation",
                # A distinct title each time: an identical contribution resent by its author
                # within minutes is merged with the first (double-click protection).
                "title": f"Mieux coordonner les acteurs n° {random.randrange(10**9)}",
                "body": "Les travailleurs sociaux ont besoin de temps pour se coordonner.",
                "themes": ["T4"],
                "policies": ["P1"],
                "department": "13",
                "actor_category": "professionnels",
            },
            headers={"Authorization": f"Token {self.token}"},
            name="contribution (signed in)",
        )


class VoteUser(_Base):
    """Signed-in voters on the published statements: a first vote is created, a later
    one on the same statement replaces it (both are writes)."""

    def on_start(self):
        self.token = random.choice(TOKENS)
        self.category = random.choice(CATEGORIES)

    @task
    def vote(self):
        self.client.post(
            f"/api/v1/statements/{random.choice(STATEMENT_IDS)}/votes/",
            json={"vote": random.choice(VOTES), "actor_category": self.category},
            headers={"Authorization": f"Token {self.token}"},
            name="vote (signed in)",
        )


class NationalReaderUser(_Base):
    """Readers of the national-scale phase: lists, filters, search, details, catalogue."""

    @task(4)
    def contributions(self):
        page = random.choice([1, 1, 1, 2, 3, 5])
        self.client.get(f"/contributions/?page={page}", name="list")

    @task(3)
    def theme(self):
        self.client.get(f"/contributions/?theme={random.choice(THEMES)}", name="theme filter")

    @task(3)
    def territory(self):
        slug = random.choice(TERRITORIES)
        self.client.get(f"/contributions/?territory={slug}", name="territory filter")

    @task(2)
    def search(self):
        self.client.get(f"/contributions/?q={random.choice(SEARCHES)}", name="search")

    @task(2)
    def detail(self):
        if READABLE:
            pk = random.choice(READABLE)
            self.client.get(f"/contributions/{pk}/", name="contribution page")

    @task(2)
    def catalogue(self):
        self.client.get(f"/pratiques/?theme={random.choice(THEMES)}", name="catalogue")

    @task(1)
    def api(self):
        self.client.get("/api/v1/contributions/", name="API list")


class PublisherUser(_Base):
    """A moderator publishing pending contributions through the API, one a second."""

    fixed_count = int(os.environ.get("LOAD_PUBLISHERS", "10"))
    wait_time = constant_throughput(1)

    def on_start(self):
        self.token = MODERATORS[next(_publisher_numbers) % len(MODERATORS)] if MODERATORS else ""

    @task
    def publish(self):
        pk = next(_PENDING, None)
        if pk is None:
            return
        self.client.post(
            f"/api/v1/contributions/{pk}/moderation/",
            json={"decision": "publish", "reason": "", "message": ""},
            headers={"Authorization": f"Token {self.token}"},
            name="publication (moderator)",
        )


_publisher_numbers = itertools.count()


class CeilingUser(_Base):
    @task
    def ceiling(self):
        self.client.get("/_load/ceiling/", name="ceiling")


class MixedUser(_Base):
    """The opening day's mix: mostly reading, some answering, a few contributing."""

    tasks = {
        HomeUser.home: 4,
        DemarcheUser.demarche: 2,
        ContributionSearchUser.search: 3,
        PracticeUser.practice: 2,
        QuestionnaireUser.answer: 2,
        ContributionSubmitUser.submit: 1,
    }

    def on_start(self):
        self.token = random.choice(TOKENS)
