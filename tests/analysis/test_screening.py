"""Screening of incoming contributions (issue 18, items 4 and 8): the after-commit task adds
spaCy's NAME flag and stores the published near-copies; publishing stores the signature
that later submissions are compared with."""

import pytest

from analysis.models import Campaign, ModerationCheck, NearCopy, TextSignature
from analysis.services.screening import contribution_screen, near_copies_for
from contributions.models import Contribution
from contributions.services import (
    contribution_moderate,
    contribution_submit,
    contribution_update,
    contributions_bulk_moderate,
)
from egts.models import Theme
from tests.factories.analysis import (
    CAMPAIGN_TEXT,
    AnalysisRunFactory,
    TopicFactory,
    add_members,
)
from tests.factories.contributions import ContributionFactory, department
from tests.factories.egts import UserFactory, national_team_member

pytestmark = pytest.mark.django_db

# The campaign's text with a small edit (a word changed), as a copy-paste campaign does.
NEAR_COPY = CAMPAIGN_TEXT.replace("immédiate", "rapide")
UNRELATED = (
    "Les jeunes majeurs qui sortent de l'aide sociale à l'enfance se retrouvent sans "
    "logement ni accompagnement, alors que leurs études ne sont pas terminées."
)


def _published(body=CAMPAIGN_TEXT, **kwargs) -> Contribution:
    """A contribution published through the service, its after-commit tasks run."""
    contribution = ContributionFactory(body=body, **kwargs)
    return _publish(contribution)


def _publish(contribution):
    contribution_moderate(
        contribution=contribution, moderator=national_team_member(), decision="publish"
    )
    return contribution


def _submit(body: str, *, code: str = "13", title: str = "Une demande") -> Contribution:
    return contribution_submit(
        author=UserFactory(),
        kind="expectation",
        title=title,
        body=body,
        themes=[Theme.objects.get(code="T1")],
        department=department(code),
        actor_category="usagers",
    )


def test_publishing_stores_the_signature_only_once_committed(django_capture_on_commit_callbacks):
    contribution = ContributionFactory(body=CAMPAIGN_TEXT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _publish(contribution)
    assert not TextSignature.objects.filter(contribution=contribution).exists()

    for callback in callbacks:
        callback()

    assert TextSignature.objects.filter(contribution=contribution).exists()


def test_a_rejection_stores_no_signature(django_capture_on_commit_callbacks):
    contribution = ContributionFactory(body=CAMPAIGN_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contribution=contribution,
            moderator=national_team_member(),
            decision="reject",
            reason="spam",
        )
    assert not TextSignature.objects.exists()


def test_a_bulk_publication_stores_every_signature(django_capture_on_commit_callbacks):
    contributions = [ContributionFactory(body=CAMPAIGN_TEXT), ContributionFactory(body=UNRELATED)]
    with django_capture_on_commit_callbacks(execute=True):
        contributions_bulk_moderate(
            contributions=contributions, moderator=national_team_member(), decision="publish"
        )
    assert set(TextSignature.objects.values_list("contribution_id", flat=True)) == {
        c.pk for c in contributions
    }


def test_a_planted_near_copy_of_a_published_text_is_flagged_and_an_unrelated_one_is_not(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        original = _published(title="La permanence sociale")
        copy = _submit(NEAR_COPY)
        other = _submit(UNRELATED)

    assert list(NearCopy.objects.filter(contribution=copy).values_list("published_id")) == [
        (original.pk,)
    ]
    [found] = near_copies_for([copy.pk, other.pk])[copy.pk]
    assert (found.id, found.title, found.url) == (
        original.pk,
        "La permanence sociale",
        f"/contributions/{original.pk}/",
    )
    assert 0.8 <= found.similarity < 1.0
    assert found.campaign_size is None  # no analysis has grouped it yet
    assert near_copies_for([other.pk]) == {}
    # Both were screened: the unrelated one is known to have no near-copy.
    assert ModerationCheck.objects.filter(contribution__in=[copy, other]).count() == 2


def test_a_pending_item_is_never_a_near_copy_reference_even_of_another_territory(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = _submit(CAMPAIGN_TEXT, code="33")  # pending, Sud-Ouest
        mine = _submit(NEAR_COPY)  # Grand Sud

    assert elsewhere.territory.slug == "sud-ouest"
    assert not NearCopy.objects.exists()
    assert near_copies_for([mine.pk]) == {}


def test_a_reference_rejected_after_the_screening_is_no_longer_shown(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        original = _published()
        copy = _submit(NEAR_COPY)
    assert [c.id for c in near_copies_for([copy.pk])[copy.pk]] == [original.pk]

    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contribution=original,
            moderator=national_team_member(),
            decision="reject",
            reason="duplicate",
        )

    assert near_copies_for([copy.pk]) == {}


def test_the_campaign_size_comes_from_the_latest_finished_analysis(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        original = _published()
        copy = _submit(NEAR_COPY)
    others = ContributionFactory.create_batch(3, published=True, body=CAMPAIGN_TEXT)
    older = TopicFactory(run=AnalysisRunFactory())
    add_members(
        older,
        [original],
        campaign=Campaign.objects.create(
            run=older.run, representative=original, text=CAMPAIGN_TEXT, size=2
        ),
    )
    latest = TopicFactory(run=AnalysisRunFactory())
    campaign = Campaign.objects.create(
        run=latest.run, representative=original, text=CAMPAIGN_TEXT, size=4
    )
    add_members(latest, [original, *others], campaign=campaign)
    running = TopicFactory(run=AnalysisRunFactory(running=True))
    add_members(
        running,
        [original],
        campaign=Campaign.objects.create(
            run=running.run, representative=original, text=CAMPAIGN_TEXT, size=9
        ),
    )

    [found] = near_copies_for([copy.pk])[copy.pk]

    assert found.campaign_size == 4


def test_the_screening_adds_the_name_flag_and_keeps_the_names(django_capture_on_commit_callbacks):
    body = "Sophie Martin m'a aidée à retrouver un logement ; écrivez-moi à lea@exemple.fr."
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contribution = _submit(body)
    contribution.refresh_from_db()
    assert contribution.flags == ["email"]  # the request found the pattern only

    for callback in callbacks:
        callback()

    contribution.refresh_from_db()
    assert contribution.flags == ["email", "name"]
    assert ModerationCheck.objects.get(contribution=contribution).names == ["Sophie Martin"]


def test_an_edit_is_screened_again_and_its_sync_flags_leave_the_name_to_the_task(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        contribution = _submit("Sophie Martin m'a aidée à retrouver un logement après un an.")
    contribution.refresh_from_db()
    assert contribution.flags == ["name"]

    with django_capture_on_commit_callbacks(execute=True):
        contribution_update(
            contribution=contribution,
            author=contribution.author,
            kind="expectation",
            title="Une demande",
            body=UNRELATED,
            themes=[Theme.objects.get(code="T1")],
            department=department("13"),
            actor_category="usagers",
        )

    contribution.refresh_from_db()
    assert contribution.flags == []
    assert ModerationCheck.objects.get(contribution=contribution).names == []


def test_the_screening_leaves_alone_an_item_no_longer_pending():
    published = ContributionFactory(published=True, body="Sophie Martin m'a beaucoup aidée.")
    assert contribution_screen(contribution_id=published.pk) is None
    assert contribution_screen(contribution_id=0) is None
    published.refresh_from_db()
    assert published.flags == []
    assert not ModerationCheck.objects.exists()


def test_the_screening_of_a_text_edited_meanwhile_writes_nothing(monkeypatch):
    pending = ContributionFactory(body="Sophie Martin m'a beaucoup aidée, merci à elle.")

    def edited_while_looking(text, **kwargs):
        Contribution.objects.filter(pk=pending.pk).update(body=UNRELATED)
        return []

    monkeypatch.setattr("analysis.services.screening.published_near_copies", edited_while_looking)

    assert contribution_screen(contribution_id=pending.pk) is None
    pending.refresh_from_db()
    assert pending.flags == []
    assert not ModerationCheck.objects.exists()


def test_the_sweep_screens_the_pending_items_that_no_screening_reached():
    """The broker was down when these were sent: no task came, the beat sweep takes them."""
    import datetime

    from django.utils import timezone

    from analysis.services.screening import unscreened_contribution_ids
    from contributions import tasks

    never = ContributionFactory(body=UNRELATED)
    edited_since = ContributionFactory(body=UNRELATED)
    ModerationCheck.objects.create(
        contribution=edited_since, checked_at=timezone.now() - datetime.timedelta(hours=2)
    )
    screened = ContributionFactory(body=UNRELATED)
    ModerationCheck.objects.create(contribution=screened)
    published = ContributionFactory(body=UNRELATED, published=True)
    just_sent = ContributionFactory(body=UNRELATED)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Contribution.objects.exclude(pk=just_sent.pk).update(updated_at=an_hour_ago)

    wanted = unscreened_contribution_ids(older_than=tasks.SWEEP_AFTER, limit=10)
    assert wanted == sorted([never.pk, edited_since.pk])
    assert published.pk not in wanted and screened.pk not in wanted

    assert tasks.screen_unscreened() == 2
    assert set(
        ModerationCheck.objects.filter(checked_at__gt=an_hour_ago).values_list(
            "contribution_id", flat=True
        )
    ) >= {never.pk, edited_since.pk}
    assert unscreened_contribution_ids(older_than=tasks.SWEEP_AFTER, limit=10) == []
