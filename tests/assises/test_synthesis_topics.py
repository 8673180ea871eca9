"""The analysis topics carried into the national synthesis: frozen, in the PDF (read back),
in the CSV annex (streamed, permissions), on the public page as a chart with its table."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from analysis.models import Topic
from assises.models import Synthesis
from assises.services.synthesis import synthesis_publish, synthesis_request
from assises.services.synthesis_topics import analysis_figures
from egts.models import Theme
from tests.factories.analysis import AnalysisRunFactory, QuoteFactory, TopicFactory, add_members
from tests.factories.assises import people
from tests.factories.contributions import ContributionFactory

pytestmark = pytest.mark.django_db

T1 = "T1"


def _published(n, **kwargs):
    theme = Theme.objects.get(code=T1)
    return ContributionFactory.create_batch(n, published=True, themes=[theme], **kwargs)


@pytest.fixture
def roles(db):
    return people()


@pytest.fixture
def national_run():
    run = AnalysisRunFactory(national=True, documents=14)
    housing = TopicFactory(run=run, label="hébergement d'urgence des familles", label_edited=True)
    members = _published(8, actor_category="professionnels")
    add_members(housing, members)
    QuoteFactory(topic=housing, contribution=members[0], text=members[0].published_body)
    small = TopicFactory(run=run, label="accueil au guichet")
    add_members(small, _published(3))
    merged = TopicFactory(run=run, label="places en foyer", merged_into=housing)
    noise = TopicFactory(run=run, label="bruit sans rapport", noise=True)
    add_members(noise, _published(2))
    return {"run": run, "housing": housing, "small": small, "merged": merged, "members": members}


def request_and_build(user, capture):
    with capture(execute=True):
        synthesis = synthesis_request(requested_by=user)
    synthesis.refresh_from_db()
    return synthesis


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_latest_national_run_is_frozen_into_the_figures_with_suppression(
    national_run, roles, django_capture_on_commit_callbacks
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    frozen = synthesis.figures["analysis"]
    assert frozen["run"] == national_run["run"].pk
    labels = [t["label"] for t in frozen["topics"]]
    # Noise and merged-away topics are left out; the largest comes first.
    assert labels == ["hébergement d'urgence des familles", "accueil au guichet"]
    housing, small = frozen["topics"]
    assert housing["edited"] is True and housing["merged"] == 1
    assert housing["size"] == 8 and housing["theme"] == T1
    assert housing["by_actor_category"]["professionnels"] == 8
    assert housing["by_actor_category"]["usagers"] is None  # 0: under 5, suppressed
    assert small["size"] is None  # 3 texts: suppressed
    assert housing["quotes"] == [
        {
            "contribution": national_run["members"][0].pk,
            "text": national_run["members"][0].published_body,
        }
    ]
    ids = sorted(c.pk for c in national_run["members"])
    assert housing["annex"] == {"count": 8, "ranges": [[ids[0], ids[-1]]], "more": False}


def test_a_later_run_does_not_change_a_published_synthesis(
    national_run, roles, client, django_capture_on_commit_callbacks
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    synthesis_publish(synthesis=synthesis, published_by=roles["national"])
    later = AnalysisRunFactory(national=True)
    TopicFactory(run=later, label="un thème de la nouvelle analyse")
    Topic.objects.filter(pk=national_run["housing"].pk).update(label="renommé après coup")
    synthesis.refresh_from_db()
    assert synthesis.figures["analysis"]["run"] == national_run["run"].pk
    page = client.get(reverse("synthesis-public-detail", args=[synthesis.version]))
    text = page.content.decode()
    assert "hébergement d&#x27;urgence des familles" in text
    assert "un thème de la nouvelle analyse" not in text
    assert "renommé après coup" not in text
    # The next version takes the newer run.
    assert analysis_figures()["run"] == later.pk


def test_the_pdf_shows_topics_quotes_ids_shares_and_the_compact_annex(
    national_run, roles, django_capture_on_commit_callbacks
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    text = pdf_text(synthesis.pdf.read())
    flat = " ".join(text.split())
    assert "Ce que disent les contributions" in flat
    assert "hébergement d'urgence des familles" in flat or "hébergement d’urgence" in flat
    first = national_run["members"][0]
    assert f"(contribution n° {first.pk})" in flat
    assert " ".join(first.published_body.split())[:40] in flat
    assert "intitulé revu par l'équipe" in flat or "intitulé revu par l’équipe" in flat
    assert "bruit sans rapport" not in flat
    assert "Les contributions de chaque thème dégagé" in flat
    assert f"/synthese-nationale/v{synthesis.version}/annexe-themes.csv" in flat.replace(" ", "")


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line.split(";") for line in body.strip().splitlines()]


def test_the_csv_annex_maps_every_topic_to_its_contribution_ids(
    national_run, roles, client, django_capture_on_commit_callbacks
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    client.force_login(roles["national"])
    response = client.get(reverse("assises:synthesis-topics-csv", args=[synthesis.pk]))
    assert response.status_code == 200 and response.streaming
    rows = _csv_rows(response)
    assert rows[0][0] == "Identifiant du thème dégagé"
    housing = [r for r in rows[1:] if r[0] == str(national_run["housing"].pk)]
    assert [int(r[3]) for r in housing] == sorted(c.pk for c in national_run["members"])
    assert {r[2] for r in housing} == {Theme.objects.get(code=T1).label}
    assert len(rows) == 1 + 8 + 3  # noise left out


@pytest.mark.parametrize(
    "role", ["anonymous", "participant", "member", "lead", "other_copil", "national"]
)
def test_draft_annexes_are_for_the_national_team_only_and_published_ones_public(
    national_run, roles, client, role, django_capture_on_commit_callbacks
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    if roles[role] is not None:
        client.force_login(roles[role])
    draft = client.get(reverse("assises:synthesis-topics-csv", args=[synthesis.pk]))
    public = client.get(reverse("synthesis-public-topics-csv", args=[synthesis.version]))
    assert public.status_code == 404  # not published yet
    assert (draft.status_code == 200) == (role == "national")
    synthesis_publish(synthesis=synthesis, published_by=roles["national"])
    public = client.get(reverse("synthesis-public-topics-csv", args=[synthesis.version]))
    assert public.status_code == 200
    assert len(_csv_rows(public)) == 12


def test_the_csv_annex_query_count_does_not_grow_with_rows(
    national_run, roles, client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    synthesis_publish(synthesis=synthesis, published_by=roles["national"])
    url = reverse("synthesis-public-topics-csv", args=[synthesis.version])
    with django_assert_num_queries(2):
        assert len(_csv_rows(client.get(url))) == 12
    add_members(national_run["small"], _published(40))
    with django_assert_num_queries(2):
        assert len(_csv_rows(client.get(url))) == 52


def test_the_frozen_figures_query_count_does_not_grow_with_rows(
    national_run, django_assert_num_queries
):
    with django_assert_num_queries(7):
        analysis_figures()
    add_members(national_run["small"], _published(30))
    for n in range(5):
        topic = TopicFactory(run=national_run["run"], label=f"autre thème {n}")
        add_members(topic, _published(6))
        QuoteFactory(topic=topic)
    with django_assert_num_queries(7):
        frozen = analysis_figures()
    assert len(frozen["topics"]) == 7


def test_annex_ranges_are_capped_in_the_pdf_figures(national_run):
    from assises.services import synthesis_topics

    scattered = TopicFactory(run=national_run["run"], label="thème éparpillé")
    batch = _published(2 * synthesis_topics.RANGES_PER_TOPIC + 4)
    add_members(scattered, batch[::2])  # every other id: no two consecutive
    annex = next(t for t in analysis_figures()["topics"] if t["id"] == scattered.pk)["annex"]
    assert annex["count"] == len(batch[::2])
    assert len(annex["ranges"]) == synthesis_topics.RANGES_PER_TOPIC
    assert annex["more"] is True


def test_annex_counts_and_ranges_leave_out_contributions_unpublished_since_the_run(national_run):
    from egts.moderation import ModerationStatus

    topic = TopicFactory(run=national_run["run"], label="thème suivi")
    batch = _published(5)
    add_members(topic, batch)
    hidden = batch[2]
    type(hidden).objects.filter(pk=hidden.pk).update(status=ModerationStatus.REJECTED)
    annex = next(t for t in analysis_figures()["topics"] if t["id"] == topic.pk)["annex"]
    ids = [c.pk for c in batch]
    assert annex["count"] == 4
    assert annex["ranges"] == [[ids[0], ids[1]], [ids[3], ids[4]]]
    assert annex["more"] is False


def test_annex_ranges_stop_where_the_ids_read_per_topic_stop_and_say_more(
    national_run, monkeypatch
):
    from assises.services import synthesis_topics

    monkeypatch.setattr(synthesis_topics, "IDS_READ_PER_TOPIC", 3)
    topic = TopicFactory(run=national_run["run"], label="thème long")
    batch = _published(7)
    add_members(topic, batch)
    annex = next(t for t in analysis_figures()["topics"] if t["id"] == topic.pk)["annex"]
    ids = sorted(c.pk for c in batch)
    assert annex["count"] == 7
    assert annex["ranges"] == [[ids[0], ids[2]]]
    assert annex["more"] is True


def test_the_public_page_charts_the_topic_map_with_its_table_and_suppression(
    national_run, roles, client, django_capture_on_commit_callbacks
):
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    synthesis_publish(synthesis=synthesis, published_by=roles["national"])
    page = client.get(reverse("synthesis-public-detail", args=[synthesis.version]))
    text = page.content.decode()
    assert 'id="chart-topics-title"' in text
    assert "Données du graphique : Thèmes dégagés des contributions" in text
    table = text.split("Données du graphique : Thèmes dégagés des contributions")[1]
    table = table.split("</table>")[0]
    assert '<th scope="row">accueil au guichet</th><td>&lt; 5</td>' in table
    assert '<th scope="row">hébergement d&#x27;urgence des familles</th><td>8</td>' in table
    assert '<svg role="img" aria-labelledby="chart-topics-title"' in text


def test_a_synthesis_without_any_finished_run_builds_without_the_section(
    roles, django_capture_on_commit_callbacks
):
    AnalysisRunFactory(national=True, running=True)
    synthesis = request_and_build(roles["national"], django_capture_on_commit_callbacks)
    assert synthesis.figures["analysis"] is None
    assert synthesis.status == "done"
    assert "Ce que disent les contributions" not in synthesis.html
    assert Synthesis.objects.count() == 1
