"""Factories for contributions and questionnaires."""

import datetime

import factory
from django.utils import timezone

from contributions.models import (
    Answer,
    Choice,
    Contribution,
    ContributionKind,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
)
from contributions.services import refresh_search_vectors
from egts.models import ActorCategory, Department, Theme
from egts.moderation import ModerationStatus

from .egts import UserFactory


def department(code: str = "13") -> Department:
    return Department.objects.select_related("region__territory").get(code=code)


class ContributionFactory(factory.django.DjangoModelFactory):
    """A pending contribution from Bouches-du-Rhône (Grand Sud) on theme T1."""

    class Meta:
        model = Contribution
        skip_postgeneration_save = True

    kind = ContributionKind.EXPECTATION
    title = factory.Sequence(lambda n: f"Contribution numéro {n}")
    body = "Un texte assez long pour passer la longueur minimale demandée."
    department = factory.LazyFunction(lambda: department("13"))
    territory = factory.LazyAttribute(
        lambda o: o.department.region.territory if o.department else None
    )
    actor_category = ActorCategory.PROFESSIONNELS
    author = factory.SubFactory(UserFactory)
    status = ModerationStatus.PENDING

    class Params:
        published = factory.Trait(
            status=ModerationStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            published_body=factory.LazyAttribute(lambda o: o.body),
        )
        rejected = factory.Trait(status=ModerationStatus.REJECTED, moderation_reason="off_topic")
        national = factory.Trait(department=None, territory=None)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted or [Theme.objects.get(code="T1")])

    @factory.post_generation
    def policies(self, create, extracted, **kwargs):
        if create and extracted:
            self.policies.set(extracted)

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        if create:
            refresh_search_vectors([self.pk])


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    slug = factory.Sequence(lambda n: f"questionnaire-{n}")
    title = factory.Sequence(lambda n: f"Questionnaire {n}")
    introduction = "Une introduction."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))

    class Params:
        closed = factory.Trait(
            closes_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    kind = QuestionKind.SINGLE
    label = factory.Sequence(lambda n: f"Question {n} ?")
    required = True
    order = factory.Sequence(lambda n: n)
    step = 1

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if create and self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            labels = extracted if extracted is not None else ["Oui", "Non", "Peut-être"]
            for index, label in enumerate(labels):
                Choice.objects.create(question=self, label=label, order=index)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    actor_category = ActorCategory.PROFESSIONNELS
    department = factory.LazyFunction(lambda: department("13"))
    territory = factory.LazyAttribute(
        lambda o: o.department.region.territory if o.department else None
    )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)


def build_questionnaire(**fields) -> Questionnaire:
    """A three-step questionnaire with every kind of question and one condition.

    Step 1: single (required), scale 1–5 (required); step 2: multiple, text; the text
    question shows only when the single question was answered "Oui".
    """
    questionnaire = QuestionnaireFactory(**fields)
    single = QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.SINGLE, label="Êtes-vous d'accord ?"
    )
    QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.SCALE, label="Votre note ?", required=True
    )
    QuestionFactory(
        questionnaire=questionnaire,
        kind=QuestionKind.MULTIPLE,
        label="Quels leviers ?",
        required=False,
        step=2,
        choices=["Formation", "Coordination", "Participation"],
    )
    text = QuestionFactory(
        questionnaire=questionnaire,
        kind=QuestionKind.TEXT,
        label="Pourquoi ?",
        required=False,
        step=2,
    )
    text.condition_choice = single.choices.get(label="Oui")
    text.save(update_fields=["condition_choice"])
    return questionnaire


def analyze_contributions() -> None:
    """Refresh the planner's statistics of the contributions table for the rows a test made.
    The similar-contributions look-up reads lexeme frequencies from them (pg_stats), as
    autovacuum keeps them in production; without this, a test would read whatever an
    earlier test or autovacuum left."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contributions_contribution")
