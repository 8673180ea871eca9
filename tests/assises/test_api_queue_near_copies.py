"""Near-copies in the moderation API and in the queue's "signalés" filter (issue 18 item 4).

``GET /api/v1/moderation/`` adds the ``near_copy`` code to the ``flags`` of an item whose
screening found a published near-copy (after its personal-data codes, which stay as they
were) and names those published originals in ``near_copies``, as the HTML queue does; the
"signalés" filter of the HTML queue keeps an item flagged only as a near-copy."""

import pytest
from rest_framework.test import APIClient

from analysis.models import Campaign
from analysis.services.screening import contribution_screen
from analysis.services.signatures import contributions_signatures_refresh
from contributions.models import Contribution
from egts.moderation import ModerationStatus
from tests.factories.analysis import CAMPAIGN_TEXT, AnalysisRunFactory, TopicFactory, add_members
from tests.factories.contributions import ContributionFactory, department
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/moderation/"
QUEUE = "/espace/grand-sud/moderation/"
NEAR_COPY = CAMPAIGN_TEXT.replace("immédiate", "rapide")
UNRELATED = "Les éducateurs manquent de temps pour accompagner les familles le soir."


def _published(**kwargs):
    contribution = ContributionFactory(published=True, body=CAMPAIGN_TEXT, **kwargs)
    contributions_signatures_refresh([contribution.pk])
    return contribution


def _screened(**kwargs):
    contribution = ContributionFactory(**kwargs)
    contribution_screen(contribution_id=contribution.pk)
    return contribution


def api(roles, role):
    client = APIClient()
    if roles[role] is not None:
        client.force_authenticate(roles[role])
    return client


def _by_title(response) -> dict:
    assert response.status_code == 200, response.content
    return {item["title"]: item for item in response.json()["results"]}


def test_api_adds_the_near_copy_code_and_names_the_published_original(roles):
    original = _published(title="La permanence sociale", department=department("33"))
    campaign = Campaign.objects.create(
        run=AnalysisRunFactory(national=True), representative=original, text="", size=12
    )
    add_members(TopicFactory(run=campaign.run), [original], campaign=campaign)
    _screened(title="Ma copie", body=NEAR_COPY, flags=["email"])
    _screened(title="Sans rapport", body=UNRELATED)

    items = _by_title(api(roles, "member").get(API, {"territory": "grand-sud"}))

    copy = items["Ma copie"]
    assert copy["flags"] == ["email", "near_copy"]  # the personal-data codes first, unchanged
    assert [(c["id"], c["title"], c["campaign_size"]) for c in copy["near_copies"]] == [
        (original.pk, "La permanence sociale", 12)
    ]
    assert 0 < copy["near_copies"][0]["similarity"] <= 1
    assert items["Sans rapport"]["flags"] == []
    assert items["Sans rapport"]["near_copies"] == []


def test_api_practices_never_carry_the_near_copy_code(roles):
    _published()
    practice = PracticeFactory(title="Une pratique", flags=["phone"])

    items = _by_title(api(roles, "national").get(API, {"type": "practice"}))

    assert items["Une pratique"]["flags"] == ["phone"]
    assert items["Une pratique"]["near_copies"] == []
    assert items["Une pratique"]["id"] == practice.pk


def test_api_never_names_an_original_that_is_no_longer_published(roles):
    original = _published(department=department("33"))
    _screened(title="Ma copie", body=NEAR_COPY)
    Contribution.objects.filter(pk=original.pk).update(status=ModerationStatus.REJECTED)

    items = _by_title(api(roles, "national").get(API))

    assert items["Ma copie"]["flags"] == []
    assert items["Ma copie"]["near_copies"] == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 403),
        ("other_copil", 403),
        ("member", 200),
        ("facilitator", 403),
        ("lead", 200),
        ("national", 200),
    ],
)
def test_api_near_copy_role_matrix(roles, role, status):
    original = _published()
    _screened(title="Ma copie", body=NEAR_COPY)

    response = api(roles, role).get(API, {"territory": "grand-sud"})

    assert response.status_code == status
    if status == 200:
        copy = _by_title(response)["Ma copie"]
        assert copy["flags"] == ["near_copy"]
        assert [c["id"] for c in copy["near_copies"]] == [original.pk]


def test_api_another_territorys_copil_sees_none_of_it(roles):
    original = _published(title="L'original publié")
    grand_sud = _screened(title="Copie du Grand Sud", body=NEAR_COPY)
    _screened(title="Copie du Sud-Ouest", body=NEAR_COPY, department=department("33"))

    response = api(roles, "other_copil").get(API)

    items = _by_title(response)
    assert list(items) == ["Copie du Sud-Ouest"]
    assert [c["id"] for c in items["Copie du Sud-Ouest"]["near_copies"]] == [original.pk]
    body = response.content.decode()
    assert "Copie du Grand Sud" not in body
    assert f'"id":{grand_sud.pk},' not in body


def _api_queries(client, django_assert_max_num_queries, budget) -> int:
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(API, {"territory": "grand-sud"})
    assert response.status_code == 200
    return len(captured)


def test_api_queries_do_not_grow_with_near_copies(roles, django_assert_max_num_queries):
    original = _published()
    campaign = Campaign.objects.create(
        run=AnalysisRunFactory(), representative=original, text="", size=2
    )
    add_members(TopicFactory(run=campaign.run), [original], campaign=campaign)
    _screened(body=NEAR_COPY)
    PracticeFactory(flags=["email"])
    client = api(roles, "national")
    client.get(API)  # warm-up
    one = _api_queries(client, django_assert_max_num_queries, 12)
    for _n in range(14):
        _screened(body=NEAR_COPY)
    PracticeFactory.create_batch(3)

    assert _api_queries(client, django_assert_max_num_queries, one) == one
    results = client.get(API, {"territory": "grand-sud"}).json()["results"]
    assert sum("near_copy" in item["flags"] for item in results) == 15


# ---- The "signalés" filter ----------------------------------------------------------------


def test_flagged_filter_keeps_an_item_flagged_only_as_a_near_copy(client, roles):
    _published()
    _screened(title="Copie seulement", body=NEAR_COPY)
    _screened(title="Avec un courriel", body=UNRELATED, flags=["email"])
    _screened(title="Rien à signaler", body=UNRELATED)
    PracticeFactory(title="Pratique signalée", flags=["phone"])
    PracticeFactory(title="Pratique sans signalement")
    client.force_login(roles["member"])

    response = client.get(QUEUE, {"signales": "1"})

    titles = sorted(row["title"] for row in response.context["rows"])
    assert titles == ["Avec un courriel", "Copie seulement", "Pratique signalée"]
    assert len(client.get(QUEUE).context["rows"]) == 5


def test_flagged_filter_drops_a_near_copy_whose_original_is_no_longer_published(client, roles):
    original = _published()
    _screened(title="Copie seulement", body=NEAR_COPY)
    Contribution.objects.filter(pk=original.pk).update(status=ModerationStatus.REJECTED)
    client.force_login(roles["member"])

    response = client.get(QUEUE, {"signales": "1"})

    assert response.context["rows"] == []


def test_flagged_filter_keeps_isolation(client, roles):
    _published()
    _screened(title="Copie ailleurs", body=NEAR_COPY, department=department("33"))
    client.force_login(roles["member"])

    response = client.get(QUEUE, {"signales": "1"})

    assert response.context["rows"] == []
    assert "Copie ailleurs" not in response.content.decode()
