"""The technical admin lists and opens every consensus model."""

import pytest

from consensus.results import results_compute
from tests.factories.consensus import PaperTallyFactory, VoteFactory
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_render(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    vote = VoteFactory()
    tally = PaperTallyFactory(statement=vote.statement)
    results_compute(territory=None)
    base = "/admin-technique/consensus"
    for model, pk in [
        ("statement", vote.statement.pk),
        ("vote", vote.pk),
        ("papertally", tally.pk),
        ("computation", 1),
    ]:
        assert client.get(f"{base}/{model}/").status_code == 200
        if model != "computation":
            assert client.get(f"{base}/{model}/{pk}/change/").status_code == 200
    assert vote.session_key not in client.get(f"{base}/vote/{vote.pk}/change/").content.decode()
