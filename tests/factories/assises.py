"""Factories for the back-office models (assises app)."""

import datetime

import factory
from django.utils import timezone

from assises.models import (
    Hypothesis,
    HypothesisReview,
    Meeting,
    Proposal,
    ProposalStatus,
    Scale,
    Synthesis,
    SynthesisStatus,
    Verdict,
    WorkingGroup,
)
from egts.models import Policy, Role, Territory, Theme

from .egts import copil_member, national_team_member


def territory(slug: str = "grand-sud") -> Territory:
    return Territory.objects.get(slug=slug)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup
        skip_postgeneration_save = True

    territory = factory.LazyFunction(territory)
    name = factory.Sequence(lambda n: f"Groupe de travail {n}")
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="T1"))
    policy = factory.LazyFunction(lambda: Policy.objects.get(code="P1"))
    scale = Scale.REGIONAL


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(WorkingGroupFactory)
    date = datetime.date(2014, 3, 12)
    place = "Marseille"
    agenda = "Ordre du jour de la réunion"
    attendance = factory.LazyFunction(lambda: {"professionnels": 4, "usagers": 2})
    minutes = "<p>Compte rendu</p>"


class HypothesisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hypothesis

    statement = factory.Sequence(lambda n: f"Hypothèse numéro {n} de l'état des lieux")
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="T2"))
    policy = factory.LazyFunction(lambda: Policy.objects.get(code="P2"))
    is_published = True


class HypothesisReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HypothesisReview

    hypothesis = factory.SubFactory(HypothesisFactory)
    territory = factory.LazyFunction(territory)
    verdict = Verdict.CONFIRMED
    argument = "Les contributions du territoire vont dans ce sens."


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    territory = factory.LazyFunction(territory)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    description = "Décloisonner les formations initiales des travailleurs sociaux."
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="T1"))
    policy = factory.LazyFunction(lambda: Policy.objects.get(code="P1"))
    level = "regional"
    owner = "Conseil régional"
    status = ProposalStatus.DRAFT

    class Params:
        validated = factory.Trait(status=ProposalStatus.VALIDATED)


def people(slug: str = "grand-sud", other: str = "sud-ouest") -> dict:
    """One account per role of the role matrix (None stands for anonymous)."""
    from .egts import UserFactory

    return {
        "anonymous": None,
        "participant": UserFactory(),
        "other_copil": copil_member(other, role=Role.COPIL_LEAD),
        "member": copil_member(slug, role=Role.COPIL_MEMBER),
        "facilitator": copil_member(slug, role=Role.FACILITATOR),
        "lead": copil_member(slug, role=Role.COPIL_LEAD),
        "national": national_team_member(),
    }


class SynthesisFactory(factory.django.DjangoModelFactory):
    """A queued synthesis with empty figures; traits for a finished or published build."""

    class Meta:
        model = Synthesis

    version = factory.Sequence(lambda n: n + 1)
    status = SynthesisStatus.QUEUED
    figures = factory.LazyFunction(dict)
    requested_by = factory.SubFactory("tests.factories.egts.UserFactory", national=True)

    class Params:
        done = factory.Trait(
            status=SynthesisStatus.DONE,
            progress=100,
            finished_at=factory.LazyFunction(timezone.now),
            html="<p>Synthèse</p>",
            pdf=factory.django.FileField(filename="synthese.pdf", data=b"%PDF-1.7 test"),
        )
        failed = factory.Trait(
            status=SynthesisStatus.FAILED,
            error="RuntimeError: boom",
            finished_at=factory.LazyFunction(timezone.now),
        )
        public = factory.Trait(
            status=SynthesisStatus.DONE,
            progress=100,
            finished_at=factory.LazyFunction(timezone.now),
            html="<p>Synthèse publiée</p>",
            pdf=factory.django.FileField(filename="synthese.pdf", data=b"%PDF-1.7 test"),
            published=True,
            published_at=factory.LazyFunction(timezone.now),
        )
