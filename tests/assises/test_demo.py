import pytest

from assises import demo
from assises.models import Hypothesis, HypothesisReview, Meeting, Proposal, WorkingGroup

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    lines = []
    demo.seed(log=lines.append)
    demo.seed(log=lines.append)
    counts = (
        Hypothesis.objects.count(),
        HypothesisReview.objects.count(),
        WorkingGroup.objects.count(),
        Meeting.objects.count(),
        Proposal.objects.count(),
    )
    assert counts == (3, 3, 1, 1, 2)
    assert len(lines) == 7
