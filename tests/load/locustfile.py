"""Locust scenarios for `make loadtest` (driven by tests/load/run.py, headless).

Each scenario is a User class so the runner can measure it alone (throughput against
the ceiling) and all together (the mixed traffic of a consultation's opening day).
"""

import json
import os
import random

from locust import FastHttpUser, between, task

SLUG = os.environ.get("LOAD_QUESTIONNAIRE", "recueil-des-attentes")
TOKENS = json.loads(os.environ.get("LOAD_TOKENS", "[]"))
PRACTICE_IDS = json.loads(os.environ.get("LOAD_PRACTICE_IDS", "[]"))
QUESTIONS = json.loads(os.environ.get("LOAD_QUESTIONS", "[]"))
SEARCHES = ["logement", "formation", "usagers", "coordination", "enfance", "handicap"]


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
