"""The "Analysis of free text" section of API.md: paths, fields, status codes, who may do what.

Runs and topics are built with factories here (no pipeline), so each contract line is
checked on exact, known values; tests/analysis/test_pipeline.py runs the real thing.
"""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import AnalysisRun, Campaign, Quote, TopicEdit, TopicMembership
from egts.models import Territory
from tests.factories.analysis import (
    AnalysisRunFactory,
    QuoteFactory,
    TopicFactory,
    add_members,
    share,
)
from tests.factories.assises import people
from tests.factories.contributions import ContributionFactory, department

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]
ANALYSTS = {"member", "lead", "national"}


@pytest.fixture
def roles(db):
    return people()


def api(roles, role) -> APIClient:
    client = APIClient()
    if roles[role] is not None:
        client.force_authenticate(roles[role])
    return client


def grand_sud() -> Territory:
    return Territory.objects.get(slug="grand-sud")


# --- POST /api/v1/analyses/ ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "body",
    [{}, {"territory": "grand-sud"}, {"territory": "grand-sud", "theme": "T2"}, {"theme": "T3"}],
    ids=["national", "territory", "territory-theme", "national-theme"],
)
def test_post_analyses_queues_a_run_for_the_scopes_the_caller_may_analyse(
    roles, role, body, django_capture_on_commit_callbacks
):
    allowed = role == "national" or (role in ("member", "lead") and "territory" in body)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api(roles, role).post("/api/v1/analyses/", body, format="json")
    if allowed:
        run = AnalysisRun.objects.get()
        assert response.status_code == 202
        assert response.json() == {"id": run.pk, "status": "queued", "version": 1}
        assert (run.territory.slug if run.territory else None) == body.get("territory")
        assert run.theme_id == body.get("theme")
        assert run.requested_by == roles[role]
        assert len(callbacks) == 1
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert AnalysisRun.objects.count() == 0
        assert callbacks == []


def test_a_copil_member_cannot_start_a_run_for_another_territory(roles):
    response = api(roles, "lead").post(
        "/api/v1/analyses/", {"territory": "sud-ouest"}, format="json"
    )
    assert response.status_code == 403
    assert AnalysisRun.objects.count() == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"territory": "atlantide"}, "territory"),
        ({"theme": "T9"}, "theme"),
        ({"territory": 12}, "territory"),
        ({"theme": ["T1"]}, "theme"),
    ],
)
def test_an_unknown_scope_is_a_400_naming_the_field_and_nothing_is_recorded(roles, body, field):
    response = api(roles, "national").post("/api/v1/analyses/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith("Code")
    assert AnalysisRun.objects.count() == 0


def test_versions_follow_each_other_within_a_scope(roles, django_capture_on_commit_callbacks):
    client = api(roles, "national")
    with django_capture_on_commit_callbacks(execute=False):
        versions = [
            client.post("/api/v1/analyses/", body, format="json").json()["version"]
            for body in ({}, {}, {"territory": "grand-sud"}, {})
        ]
    assert versions == [1, 2, 1, 3]


# --- GET /api/v1/analyses/ and /{id}/ ---------------------------------------------------------


def test_get_analysis_gives_the_contract_fields():
    run = AnalysisRunFactory(documents=42)
    client = APIClient()
    client.force_authenticate(people()["national"])
    body = client.get(f"/api/v1/analyses/{run.pk}/").json()
    assert body == {
        "id": run.pk,
        "version": run.version,
        "status": "done",
        "phase": "finalise",
        "progress": 100,
        "scope": {"territory": "grand-sud", "theme": None},
        "documents": 42,
        "created_at": timezone.localtime(run.created_at).isoformat(),
        "started_at": None,
        "finished_at": timezone.localtime(run.finished_at).isoformat(),
        "error": None,
    }


def test_a_failed_run_says_why():
    run = AnalysisRunFactory(status="failed", error="Aucun texte publié.", progress=10)
    client = APIClient()
    client.force_authenticate(people()["national"])
    body = client.get(f"/api/v1/analyses/{run.pk}/").json()
    assert (body["status"], body["error"], body["progress"]) == (
        "failed",
        "Aucun texte publié.",
        10,
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_all_runs_to_the_national_team_and_its_territory_s_to_a_copil(roles, role):
    ours = AnalysisRunFactory()
    AnalysisRunFactory(territory=Territory.objects.get(slug="sud-ouest"))
    national = AnalysisRunFactory(national=True)
    response = api(roles, role).get("/api/v1/analyses/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["results"]]
    if role == "national":
        assert sorted(ids) == sorted(AnalysisRun.objects.values_list("pk", flat=True))
    elif role in ("member", "lead"):
        assert ids == [ours.pk]
        assert national.pk not in ids
    elif role == "other_copil":
        assert ids == [AnalysisRun.objects.get(territory__slug="sud-ouest").pk]
    else:
        assert ids == []


@pytest.mark.parametrize("role", ROLES)
def test_a_run_and_its_topics_and_campaigns_are_404_to_those_who_may_not_see_it(roles, role):
    run = AnalysisRunFactory()
    topic = TopicFactory(run=run)
    client = api(roles, role)
    paths = [
        f"/api/v1/analyses/{run.pk}/",
        f"/api/v1/analyses/{run.pk}/topics/",
        f"/api/v1/analyses/{run.pk}/topics/{topic.pk}/",
        f"/api/v1/analyses/{run.pk}/campaigns/",
    ]
    expected = 200 if role in ANALYSTS else 401 if role == "anonymous" else 404
    assert [client.get(path).status_code for path in paths] == [expected] * len(paths)


@pytest.mark.parametrize("pk", ["abc", "0", "99999999", "1" * 30, "%00"])
def test_a_malformed_or_unknown_run_id_is_a_json_404(roles, pk):
    response = api(roles, "national").get(f"/api/v1/analyses/{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- Topics -------------------------------------------------------------------------------


def test_topics_are_paginated_largest_first_with_suppressed_shares_and_shown_quotes(roles):
    run = AnalysisRunFactory()
    big = TopicFactory(run=run, label="accès aux droits · dossiers", keywords=["accès aux droits"])
    small = TopicFactory(run=run, label="logement · 115")
    TopicFactory(run=run, merged_into=big)  # merged: left the list
    add_members(big, ContributionFactory.create_batch(7, published=True))
    add_members(
        small, ContributionFactory.create_batch(2, published=True, actor_category="usagers")
    )
    quote = QuoteFactory(topic=big)
    QuoteFactory(topic=big, removed=True)

    body = api(roles, "national").get(f"/api/v1/analyses/{run.pk}/topics/").json()

    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [big.pk, small.pk]
    first = body["results"][0]
    assert first == {
        "id": big.pk,
        "label": "accès aux droits · dossiers",
        "keywords": ["accès aux droits"],
        "size": 7,
        "documents": 7,
        "noise": False,
        "quotes": [
            {
                "id": quote.pk,
                "contribution": quote.contribution_id,
                "text": quote.text,
                "pinned": False,
            }
        ],
        "by_actor_category": {
            "elus": None,
            "professionnels": 7,
            "employeurs": None,
            "formation": None,
            "encadrement": None,
            "autres-professionnels": None,
            "benevoles": None,
            "usagers": None,
        },
        "by_territory": {"grand-sud": 7},
        "by_theme": {"T1": 7},
        "matched_from": None,
    }
    # Under 5 is suppressed (null), not 0 and not the real count.
    assert body["results"][1]["by_actor_category"]["usagers"] is None
    assert body["results"][1]["by_territory"] == {"grand-sud": None}


def test_topic_page_size_is_honoured(roles):
    run = AnalysisRunFactory()
    TopicFactory.create_batch(3, run=run)
    body = api(roles, "national").get(f"/api/v1/analyses/{run.pk}/topics/?page_size=2").json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"].endswith("page=2&page_size=2")


@pytest.mark.parametrize("topics", [1, 30])
def test_the_topic_list_makes_the_same_number_of_queries_for_1_or_30_topics(
    roles, topics, django_assert_max_num_queries
):
    run = AnalysisRunFactory()
    for topic in TopicFactory.create_batch(topics, run=run):
        share(topic, "usagers", 6)
        QuoteFactory(topic=topic)
    client = api(roles, "national")
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/analyses/{run.pk}/topics/?page_size=100")
    assert len(response.json()["results"]) == topics


@pytest.mark.parametrize("role", ROLES)
def test_patch_a_topic_renames_it_or_marks_it_noise_for_its_run_s_analysts(roles, role):
    topic = TopicFactory(label="logement · 115")
    url = f"/api/v1/analyses/{topic.run_id}/topics/{topic.pk}/"
    response = api(roles, role).patch(
        url, {"label": "Hébergement d'urgence", "noise": True}, format="json"
    )
    topic.refresh_from_db()
    if role in ANALYSTS:
        assert response.status_code == 200
        assert (response.json()["label"], response.json()["noise"]) == (
            "Hébergement d'urgence",
            True,
        )
        assert (topic.label, topic.label_edited, topic.noise) == (
            "Hébergement d'urgence",
            True,
            True,
        )
        edits = TopicEdit.objects.filter(topic=topic).order_by("id")
        assert [(e.action, e.user) for e in edits] == [
            ("rename", roles[role]),
            ("noise", roles[role]),
        ]
        assert edits[0].details == {"before": "logement · 115", "label": "Hébergement d'urgence"}
    else:
        assert response.status_code == (401 if role == "anonymous" else 404)
        assert (topic.label, topic.noise) == ("logement · 115", False)
        assert TopicEdit.objects.count() == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"label": "ab"}, "label"),
        ({"label": "x" * 201}, "label"),
        ({"label": "   "}, "label"),
        ({"noise": "peut-être"}, "noise"),
        ({}, "non_field_errors"),
    ],
)
def test_patch_with_bad_input_is_a_400_and_changes_nothing(roles, body, field):
    topic = TopicFactory(label="logement · 115")
    response = api(roles, "national").patch(
        f"/api/v1/analyses/{topic.run_id}/topics/{topic.pk}/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    topic.refresh_from_db()
    assert topic.label == "logement · 115"
    assert TopicEdit.objects.count() == 0


def test_topics_of_a_run_still_running_cannot_be_edited(roles):
    topic = TopicFactory(run=AnalysisRunFactory(running=True))
    response = api(roles, "national").patch(
        f"/api/v1/analyses/{topic.run_id}/topics/{topic.pk}/", {"noise": True}, format="json"
    )
    assert response.status_code == 400
    assert "topic" in response.json()


def test_a_topic_of_another_run_is_404_under_this_run(roles):
    topic = TopicFactory()
    other_run = AnalysisRunFactory()
    response = api(roles, "national").patch(
        f"/api/v1/analyses/{other_run.pk}/topics/{topic.pk}/", {"noise": True}, format="json"
    )
    assert response.status_code == 404


# --- Merge --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_merge_moves_a_topic_s_texts_into_another_of_the_same_run(roles, role):
    run = AnalysisRunFactory()
    source, target = TopicFactory(run=run, label="logement"), TopicFactory(run=run, label="115")
    add_members(source, ContributionFactory.create_batch(3, published=True))
    add_members(target, ContributionFactory.create_batch(4, published=True))
    pinned = QuoteFactory(topic=source, pinned=True)

    response = api(roles, role).post(
        f"/api/v1/analyses/{run.pk}/topics/{source.pk}/merge/", {"into": target.pk}, format="json"
    )

    source.refresh_from_db()
    if role in ANALYSTS:
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["size"], body["documents"]) == (target.pk, 7, 7)
        assert body["by_actor_category"]["professionnels"] == 7
        assert source.merged_into_id == target.pk
        assert TopicMembership.objects.filter(topic=target).count() == 7
        assert Quote.objects.get(pk=pinned.pk).topic_id == target.pk
        listed = api(roles, role).get(f"/api/v1/analyses/{run.pk}/topics/").json()
        assert [item["id"] for item in listed["results"]] == [target.pk]
        edit = TopicEdit.objects.get()
        assert (edit.action, edit.user, edit.topic_id, edit.details["into"]) == (
            "merge",
            roles[role],
            source.pk,
            target.pk,
        )
    else:
        assert response.status_code == (401 if role == "anonymous" else 404)
        assert source.merged_into_id is None
        assert TopicMembership.objects.filter(topic=source).count() == 3
        assert TopicEdit.objects.count() == 0


def test_merge_across_runs_is_a_400_and_changes_nothing(roles):
    source = TopicFactory()
    other = TopicFactory(run=AnalysisRunFactory())
    add_members(source, ContributionFactory.create_batch(2, published=True))
    response = api(roles, "national").post(
        f"/api/v1/analyses/{source.run_id}/topics/{source.pk}/merge/",
        {"into": other.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"into": ["Les deux thèmes doivent venir de la même analyse."]}
    source.refresh_from_db()
    assert source.merged_into_id is None
    assert TopicMembership.objects.filter(topic=source).count() == 2


@pytest.mark.parametrize("into", ["self", "unknown", "text", "merged", "hidden"])
def test_merge_into_itself_an_unknown_a_merged_or_a_hidden_topic_is_a_400(roles, into):
    run = AnalysisRunFactory()
    source = TopicFactory(run=run)
    target = {
        "self": lambda: source.pk,
        "unknown": lambda: 987654,
        "text": lambda: "douze",
        "merged": lambda: TopicFactory(run=run, merged_into=TopicFactory(run=run)).pk,
        "hidden": lambda: (
            TopicFactory(
                run=AnalysisRunFactory(territory=Territory.objects.get(slug="sud-ouest"))
            ).pk
        ),
    }[into]()
    response = api(roles, "lead").post(
        f"/api/v1/analyses/{run.pk}/topics/{source.pk}/merge/", {"into": target}, format="json"
    )
    assert response.status_code == 400
    assert "into" in response.json() or "topic" in response.json()
    source.refresh_from_db()
    assert source.merged_into_id is None


# --- Quotes and campaigns -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_quote_is_pinned_or_removed_by_the_run_s_analysts(roles, role):
    quote = QuoteFactory()
    run_id = quote.topic.run_id
    response = api(roles, role).patch(
        f"/api/v1/analyses/{run_id}/quotes/{quote.pk}/", {"removed": True}, format="json"
    )
    quote.refresh_from_db()
    if role in ANALYSTS:
        assert response.status_code == 200
        assert quote.removed is True
        assert TopicEdit.objects.get().action == "remove_quote"
        topics = api(roles, role).get(f"/api/v1/analyses/{run_id}/topics/").json()
        assert topics["results"][0]["quotes"] == []
    else:
        assert response.status_code == (401 if role == "anonymous" else 404)
        assert quote.removed is False


def test_campaigns_list_their_size_text_and_contributions(roles):
    run = AnalysisRunFactory()
    copies = ContributionFactory.create_batch(3, published=True, body="Le même texte copié ici.")
    campaign = Campaign.objects.create(
        run=run, representative=copies[0], text=copies[0].published_body, size=3
    )
    add_members(TopicFactory(run=run), copies, campaign=campaign)

    body = api(roles, "lead").get(f"/api/v1/analyses/{run.pk}/campaigns/").json()

    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": campaign.pk,
            "size": 3,
            "text": "Le même texte copié ici.",
            "contributions": sorted(c.pk for c in copies),
        }
    ]


# --- GET /api/v1/contributions/?topic= ------------------------------------------------------------


def _topic_with_members():
    topic = TopicFactory()
    members = ContributionFactory.create_batch(3, published=True)
    add_members(topic, members)
    unpublished = ContributionFactory(published=True)
    add_members(topic, [unpublished])
    unpublished.status = "rejected"
    unpublished.save(update_fields=["status"])
    ContributionFactory(published=True)  # not in the topic
    return topic, members


@pytest.mark.parametrize("role", ROLES)
def test_contributions_of_a_topic_are_listed_to_those_who_see_its_run(roles, role):
    topic, members = _topic_with_members()
    response = api(roles, role).get(f"/api/v1/contributions/?topic={topic.pk}")
    assert response.status_code == 200
    ids = sorted(item["id"] for item in response.json()["results"])
    if role in ANALYSTS:
        assert ids == sorted(c.pk for c in members)
    else:
        assert ids == []


def test_a_published_run_s_topic_lists_its_contributions_to_anyone():
    topic, members = _topic_with_members()
    AnalysisRun.objects.filter(pk=topic.run_id).update(published_at="2014-06-01T10:00:00Z")
    response = APIClient().get(f"/api/v1/contributions/?topic={topic.pk}")
    assert sorted(item["id"] for item in response.json()["results"]) == sorted(
        c.pk for c in members
    )


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1" * 40])
def test_an_unknown_or_malformed_topic_filter_matches_nothing(roles, value):
    ContributionFactory(published=True)
    response = api(roles, "national").get("/api/v1/contributions/", {"topic": value})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_control_characters_in_the_scope_or_the_topic_filter_are_a_400(roles):
    """Refused once for every input (egts/input.py), before the view reads them."""
    client = api(roles, "national")
    response = client.post("/api/v1/analyses/", {"territory": "grand-sud\x00"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["territory"]
    assert AnalysisRun.objects.count() == 0
    assert client.get("/api/v1/contributions/", {"topic": "1\x00"}).status_code == 400


def test_the_topic_filter_combines_with_the_other_filters(roles):
    topic, members = _topic_with_members()
    other = ContributionFactory(published=True, department=department("31"))
    add_members(topic, [other])
    response = api(roles, "national").get(
        "/api/v1/contributions/", {"topic": topic.pk, "territory": "grand-sud"}
    )
    assert sorted(item["id"] for item in response.json()["results"]) == sorted(
        c.pk for c in members
    )


# --- Territory isolation --------------------------------------------------------------------


def test_a_copil_member_never_sees_another_territory_s_runs_topics_or_quotes(roles):
    theirs = AnalysisRunFactory(territory=Territory.objects.get(slug="sud-ouest"))
    topic = TopicFactory(run=theirs, label="Secret du Sud-Ouest")
    quote = QuoteFactory(topic=topic)
    add_members(topic, [quote.contribution])
    client = api(roles, "lead")

    listing = client.get("/api/v1/analyses/").json()
    assert theirs.pk not in [item["id"] for item in listing["results"]]
    for path in (
        f"/api/v1/analyses/{theirs.pk}/",
        f"/api/v1/analyses/{theirs.pk}/topics/",
        f"/api/v1/analyses/{theirs.pk}/topics/{topic.pk}/",
        f"/api/v1/analyses/{theirs.pk}/campaigns/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Secret" not in response.content.decode()
    assert client.get(f"/api/v1/contributions/?topic={topic.pk}").json()["count"] == 0
    patch = client.patch(
        f"/api/v1/analyses/{theirs.pk}/quotes/{quote.pk}/", {"pinned": True}, format="json"
    )
    assert patch.status_code == 404
    merge = client.post(
        f"/api/v1/analyses/{theirs.pk}/topics/{topic.pk}/merge/", {"into": 1}, format="json"
    )
    assert merge.status_code == 404
    quote.refresh_from_db()
    assert quote.pinned is False
    # Their own territory's run, under another run's id, is no way in either.
    ours = AnalysisRunFactory()
    assert client.get(f"/api/v1/analyses/{ours.pk}/topics/{topic.pk}/").status_code == 404
