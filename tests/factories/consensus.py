"""Factories for statements, votes, paper tallies."""

import datetime

import factory
from django.utils import timezone

from consensus.models import PaperTally, Statement, StatementSource, Vote, VoteChoice
from egts.models import ActorCategory, Territory, Theme
from egts.moderation import ModerationStatus

from .egts import UserFactory


def territory(slug: str = "grand-sud") -> Territory:
    return Territory.objects.get(slug=slug)


class StatementFactory(factory.django.DjangoModelFactory):
    """A pending statement of Grand Sud on theme T1, proposed by a participant."""

    class Meta:
        model = Statement

    text = factory.Sequence(lambda n: f"Les travailleurs sociaux ont besoin de temps ({n}).")
    theme = factory.LazyFunction(lambda: Theme.objects.get(code="T1"))
    territory = factory.LazyFunction(territory)
    source_type = StatementSource.AUTHOR
    author = factory.SubFactory(UserFactory)
    status = ModerationStatus.PENDING

    class Params:
        published = factory.Trait(
            status=ModerationStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )
        national = factory.Trait(territory=None)


class VoteFactory(factory.django.DjangoModelFactory):
    """An anonymous vote (its own session) on a published statement."""

    class Meta:
        model = Vote

    statement = factory.SubFactory(StatementFactory, published=True)
    vote = VoteChoice.AGREE
    actor_category = ActorCategory.PROFESSIONNELS
    session_key = factory.Sequence(lambda n: f"{n:064x}")
    territory = factory.LazyAttribute(lambda o: o.statement.territory)


class PaperTallyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperTally

    statement = factory.SubFactory(StatementFactory, published=True)
    territory = factory.LazyFunction(territory)
    actor_category = ActorCategory.USAGERS
    agree = 10
    disagree = 2
    passed = 1
    held_on = datetime.date(2014, 3, 20)


def votes(statement, category: str, *, agree=0, disagree=0, passed=0, territory=None):
    """Many anonymous votes of one category on one statement."""
    made = []
    for choice, n in ((VoteChoice.AGREE, agree), (VoteChoice.DISAGREE, disagree)):
        made += VoteFactory.create_batch(
            n, statement=statement, vote=choice, actor_category=category, territory=territory
        )
    made += VoteFactory.create_batch(
        passed,
        statement=statement,
        vote=VoteChoice.PASS,
        actor_category=category,
        territory=territory,
    )
    return made
