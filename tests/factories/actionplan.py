"""Factories for the action plan: axes, measures, indicators, updates, local actions."""

import datetime
from decimal import Decimal

import factory

from actionplan.models import (
    Axis,
    FollowUpPreference,
    Indicator,
    LocalAction,
    Measure,
    ProgressUpdate,
    Status,
)
from assises.models import ProposalStatus

from .assises import ProposalFactory, territory


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    title = factory.Sequence(lambda n: f"Axe {n}")
    description = "Rénover les formations du travail social."
    order = factory.Sequence(lambda n: n)


class ForwardedProposalFactory(ProposalFactory):
    status = ProposalStatus.FORWARDED


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    axis = factory.SubFactory(AxisFactory)
    title = factory.Sequence(lambda n: f"Mesure {n}")
    description = "Un socle commun aux formations sociales."
    owner = "DGCS"
    partners = "Régions"
    deadline = datetime.date(2016, 9, 1)
    status = Status.PLANNED
    progress = 0

    class Params:
        in_progress = factory.Trait(status=Status.IN_PROGRESS, progress=40)
        done = factory.Trait(status=Status.DONE, progress=100)
        abandoned = factory.Trait(
            status=Status.ABANDONED, progress=10, abandon_reason="Faute de financement."
        )

    @factory.post_generation
    def proposals(self, create, extracted, **kwargs):
        if create and extracted:
            self.proposals.set(extracted)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    measure = factory.SubFactory(MeasureFactory)
    label = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "diplômes"
    target_value = Decimal("14")


class LocalActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAction
        skip_postgeneration_save = True

    territory = factory.LazyFunction(territory)
    title = factory.Sequence(lambda n: f"Action locale {n}")
    description = "Un réseau régional des formateurs."
    owner = "COPIL"
    status = Status.PLANNED

    @factory.post_generation
    def proposals(self, create, extracted, **kwargs):
        if create and extracted:
            self.proposals.set(extracted)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    measure = factory.SubFactory(MeasureFactory)
    date = datetime.date(2015, 3, 1)
    text = "Le référentiel est rédigé."
    status = Status.IN_PROGRESS
    previous_status = Status.PLANNED
    progress = 40


class FollowUpPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpPreference

    notify_measure_status = True
