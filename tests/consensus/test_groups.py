"""Opinion groups: two planted groups of voters are found again, with a fixed seed."""

import random

import pytest
from rest_framework.test import APIClient
from sklearn.metrics import adjusted_rand_score

from consensus.groups import opinion_groups, voter_groups
from consensus.models import Vote, VoteChoice
from consensus.results import results_compute
from tests.factories.consensus import StatementFactory

pytestmark = pytest.mark.django_db


def plant_two_groups(voters_per_group=30, statements=12, noise=0.1):
    """Group A agrees with the first half and disagrees with the second; group B the
    opposite; everybody agrees with the last two (the planted consensus)."""
    rng = random.Random(4)
    made = StatementFactory.create_batch(statements, published=True)
    rows, truth = [], {}
    for group in (0, 1):
        for n in range(voters_per_group):
            key = f"{group}-{n}".rjust(64, "0")
            truth[key] = group
            for i, statement in enumerate(made):
                if i >= statements - 2:
                    choice = VoteChoice.AGREE
                else:
                    agrees = (i < (statements - 2) // 2) == (group == 0)
                    if rng.random() < noise:
                        agrees = not agrees
                    choice = VoteChoice.AGREE if agrees else VoteChoice.DISAGREE
                category = "usagers" if group == 0 else "professionnels"
                rows.append(
                    Vote(statement=statement, session_key=key, vote=choice, actor_category=category)
                )
    Vote.objects.bulk_create(rows)
    return made, truth


def test_planted_groups_are_recovered():
    made, truth = plant_two_groups()
    groups = opinion_groups(territory=None)
    assert len(groups) == 2
    assert sorted(group["size"] for group in groups) == [30, 30]
    # Each group is one actor category here: the composition says so.
    compositions = sorted(
        tuple(code for code, n in group["by_actor_category"].items() if n) for group in groups
    )
    assert compositions == [("professionnels",), ("usagers",)]
    # Adjusted Rand index between the planted and the found groups, voter by voter.
    *_rest, voters, labels = voter_groups(territory=None)
    planted = [truth[session_key] for _user, session_key in voters]
    assert adjusted_rand_score(planted, labels.tolist()) >= 0.9
    for group in groups:
        assert all(0 <= item["agree_share"] <= 1 for item in group["statements"])
    # The distinguishing statements are the divided ones, never the planted consensus.
    consensus_ids = {s.pk for s in made[-2:]}
    for group in groups:
        assert not consensus_ids & {item["statement"] for item in group["statements"]}


def test_same_votes_give_the_same_groups():
    plant_two_groups(voters_per_group=15, statements=6)
    assert opinion_groups(territory=None) == opinion_groups(territory=None)


def test_too_few_voters_give_no_group():
    plant_two_groups(voters_per_group=4, statements=4)
    assert opinion_groups(territory=None) == []


def test_groups_are_published_with_small_counts_suppressed():
    plant_two_groups()
    results_compute(territory=None)
    groups = APIClient().get("/api/v1/consensus/").json()["groups"]
    assert sorted(group["size"] for group in groups) == [30, 30]
    for group in groups:
        assert group["by_actor_category"]["elus"] is None  # 0 is under 5
        assert {"statement", "agree_share"} == set(group["statements"][0])


def test_results_page_shows_the_groups_with_their_composition(client):
    from django.urls import reverse

    plant_two_groups()
    results_compute(territory=None)
    groups = client.get(reverse("consensus:results")).context["groups"]
    assert sorted(group["size"] for group in groups) == [30, 30]
    for group in groups:
        composition = dict(group["composition"])
        assert composition["Élus locaux"] == "< 5"
        assert all(0 <= share <= 100 for _text, share in group["statements"])
