import pytest
from django.urls import reverse

from consensus import demo
from consensus.models import Computation, Statement, StatementResult, Vote
from egts.moderation import ModerationStatus

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    lines = []
    demo.seed(log=lines.append)
    computed_at = Computation.objects.get(scope="national").computed_at
    demo.seed(log=lines.append)

    assert Statement.objects.filter(status=ModerationStatus.PUBLISHED).count() == 9
    assert Vote.objects.count() == 9 * 8 * 7
    assert Vote.objects.values("actor_category").distinct().count() == 8
    assert len(lines) == 10
    # Nothing new to count the second time: the results are not computed again.
    assert Computation.objects.get(scope="national").computed_at == computed_at


def test_demo_results_show_a_consensus_and_a_divisive_statement(client):
    demo.seed(log=lambda _message: None)

    results = StatementResult.objects.filter(computation__scope="national")
    assert results.filter(consensus="agree").exists()
    assert results.filter(consensus="disagree").exists()
    assert results.filter(divisive=True).exists()
    assert results.filter(consensus="", divisive=False).exists()
    response = client.get(reverse("consensus:results"))
    assert len(response.context["consensus_rows"]) >= 2
    assert len(response.context["divisive_rows"]) >= 1
    html = response.content.decode()
    assert "Aucun énoncé ne fait consensus" not in html
    assert "Aucun énoncé clivant" not in html
    divisive = results.filter(divisive=True).first().statement.text
    assert divisive.replace("'", "&#x27;") in html
