"""The back-office pages of the analysis: who sees what, forms that keep what was typed."""

import pytest
from django.test import Client
from django.urls import reverse

from analysis.models import AnalysisRun, Campaign, Quote, TopicEdit
from egts.models import Territory
from tests.factories.analysis import AnalysisRunFactory, QuoteFactory, TopicFactory, add_members
from tests.factories.assises import people
from tests.factories.contributions import ContributionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]
ANALYSTS = {"member", "lead", "national"}


@pytest.fixture
def roles(db):
    return people()


def browser(roles, role) -> Client:
    client = Client()
    if roles[role] is not None:
        client.force_login(roles[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_the_runs_page_is_for_the_national_team_and_copil_members(roles, role):
    ours = AnalysisRunFactory()
    theirs = AnalysisRunFactory(territory=Territory.objects.get(slug="sud-ouest"))
    response = browser(roles, role).get(reverse("analysis:runs"))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/login/")
        return
    if role in ("participant", "facilitator"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert (ours.get_absolute_url() in page) == (role in ANALYSTS)
    assert (theirs.get_absolute_url() in page) == (role in ("national", "other_copil"))


def test_a_copil_member_is_offered_their_territory_only(roles):
    page = browser(roles, "lead").get(reverse("analysis:runs")).content.decode()
    assert "Grand Sud" in page
    assert "Sud-Ouest" not in page
    assert "Tous les territoires (et les contributions nationales)" not in page


def test_the_national_team_starts_a_national_run_from_the_form(
    roles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = browser(roles, "national").post(
            reverse("analysis:run-request"), {"territory": "", "theme": "T2"}
        )
    run = AnalysisRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert (run.territory_id, run.theme_id, run.status) == (None, "T2", "queued")
    assert len(callbacks) == 1


def test_a_copil_member_asking_for_another_territory_gets_the_form_back_with_an_error(roles):
    sud_ouest = Territory.objects.get(slug="sud-ouest")
    response = browser(roles, "lead").post(
        reverse("analysis:run-request"), {"territory": sud_ouest.pk, "theme": "T3"}
    )
    assert response.status_code == 400
    assert AnalysisRun.objects.count() == 0
    form = response.context["form"]
    assert "territory" in form.errors
    assert form["theme"].value() == "T3"  # what was typed is kept
    assert 'value="T3" selected' in response.content.decode()


def test_a_copil_member_must_choose_their_territory(roles):
    response = browser(roles, "member").post(reverse("analysis:run-request"), {"territory": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["territory"] == ["Ce champ est obligatoire."]
    assert AnalysisRun.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_a_run_page_is_404_outside_its_territory(roles, role):
    run = AnalysisRunFactory()
    topic = TopicFactory(run=run)
    client = browser(roles, role)
    urls = [
        run.get_absolute_url(),
        reverse("analysis:run-status", args=[run.pk]),
        reverse("analysis:campaigns", args=[run.pk]),
        reverse("analysis:edits", args=[run.pk]),
        topic.get_absolute_url(),
    ]
    codes = {client.get(url).status_code for url in urls}
    if role == "anonymous":
        assert codes == {302}
    elif role in ANALYSTS:
        assert codes == {200}
    elif role == "other_copil":
        assert codes == {404}
    else:
        assert codes == {403}


def test_a_running_run_shows_its_progress_and_refreshes_without_javascript(roles):
    run = AnalysisRunFactory(running=True, progress=45)
    page = browser(roles, "national").get(run.get_absolute_url()).content.decode()
    assert 'max="100" value="45"' in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'role="status" aria-live="polite"' in page
    assert "Lecture de chaque texte" in page
    status = browser(roles, "national").get(reverse("analysis:run-status", args=[run.pk])).json()
    assert (status["status"], status["progress"], status["finished"]) == ("running", 45, False)


def test_a_finished_run_lists_topics_with_sizes_shares_keywords_and_quotes(roles):
    run = AnalysisRunFactory(documents=6)
    topic = TopicFactory(run=run, label="accès aux droits · dossiers", keywords=["dossiers", "caf"])
    add_members(topic, ContributionFactory.create_batch(6, published=True))
    quote = QuoteFactory(topic=topic)
    page = browser(roles, "member").get(run.get_absolute_url()).content.decode()
    assert "accès aux droits · dossiers" in page
    assert "Taille : 6 textes" in page
    assert "dossiers, caf" in page
    assert f"« {quote.text} »" in page
    assert f"Contribution n° {quote.contribution_id}" in page
    assert reverse("contributions:detail", args=[quote.contribution_id]) in page
    assert "Professionnels de terrain : 6</p>" in " ".join(page.split())
    assert 'http-equiv="refresh"' not in page


def test_a_failed_run_shows_its_error_and_a_resume_button(roles):
    run = AnalysisRunFactory(status="failed", error="Le lot n° 3 a été interrompu.")
    page = browser(roles, "national").get(run.get_absolute_url()).content.decode()
    assert "Le lot n° 3 a été interrompu." in page
    assert reverse("analysis:run-retry", args=[run.pk]) in page


# --- Reviewing a topic ------------------------------------------------------------------------


def test_renaming_a_topic_from_its_page(roles):
    topic = TopicFactory(label="logement · 115")
    response = browser(roles, "lead").post(
        reverse("analysis:topic-rename", args=[topic.run_id, topic.pk]),
        {"label": "  Se loger,   être hébergé "},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.label, topic.label_edited) == ("Se loger, être hébergé", True)
    edit = TopicEdit.objects.get()
    assert (edit.action, edit.user) == ("rename", roles["lead"])


def test_a_too_short_label_re_renders_the_page_with_the_error_and_what_was_typed(roles):
    topic = TopicFactory(label="logement · 115")
    response = browser(roles, "national").post(
        reverse("analysis:topic-rename", args=[topic.run_id, topic.pk]), {"label": "ab"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="ab"' in page
    assert "au moins 3 caractères" in page
    topic.refresh_from_db()
    assert topic.label == "logement · 115"


def test_merging_from_the_page_keeps_the_choice_on_error_and_merges_when_valid(roles):
    run = AnalysisRunFactory()
    source, target = TopicFactory(run=run), TopicFactory(run=run, label="Hébergement")
    add_members(source, ContributionFactory.create_batch(2, published=True))
    url = reverse("analysis:topic-merge", args=[run.pk, source.pk])
    other = TopicFactory()  # another run: not offered, refused

    refused = browser(roles, "national").post(url, {"into": other.pk})
    assert refused.status_code == 400
    assert "into" in refused.context["merge_form"].errors
    source.refresh_from_db()
    assert source.merged_into_id is None

    response = browser(roles, "national").post(url, {"into": target.pk})
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.merged_into_id, target.size) == (target.pk, 2)


def test_marking_noise_and_back(roles):
    topic = TopicFactory()
    url = reverse("analysis:topic-noise", args=[topic.run_id, topic.pk])
    client = browser(roles, "member")
    client.post(url, {"noise": "1"})
    topic.refresh_from_db()
    assert topic.noise is True
    client.post(url, {"noise": "0"})
    topic.refresh_from_db()
    assert topic.noise is False
    assert list(TopicEdit.objects.order_by("id").values_list("action", flat=True)) == [
        "noise",
        "unnoise",
    ]


@pytest.mark.parametrize(
    "action, expected",
    [("pin", (True, False)), ("remove", (False, True)), ("dance", (False, False))],
)
def test_pinning_or_removing_a_quote_from_the_page(roles, action, expected):
    quote = QuoteFactory()
    response = browser(roles, "lead").post(
        reverse("analysis:quote-update", args=[quote.topic.run_id, quote.pk]), {"action": action}
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.pinned, quote.removed) == expected


@pytest.mark.parametrize("role", ["other_copil", "participant", "facilitator"])
def test_others_cannot_edit_a_topic_or_its_quotes(roles, role):
    quote = QuoteFactory()
    topic = quote.topic
    client = browser(roles, role)
    posts = [
        (reverse("analysis:topic-rename", args=[topic.run_id, topic.pk]), {"label": "Piraté"}),
        (reverse("analysis:topic-noise", args=[topic.run_id, topic.pk]), {"noise": "1"}),
        (reverse("analysis:quote-update", args=[topic.run_id, quote.pk]), {"action": "remove"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404)
    topic.refresh_from_db()
    quote.refresh_from_db()
    assert (topic.label, topic.noise, quote.removed) == (topic.engine_label, False, False)
    assert TopicEdit.objects.count() == 0


def test_the_topic_page_lists_its_published_contributions_and_its_quotes(roles):
    topic = TopicFactory()
    members = ContributionFactory.create_batch(3, published=True)
    add_members(topic, members)
    QuoteFactory(topic=topic, contribution=members[0], pinned=True)
    page = browser(roles, "national").get(topic.get_absolute_url()).content.decode()
    for contribution in members:
        assert f"n° {contribution.pk} — {contribution.title}" in page
    assert "Désépingler la citation de la contribution" in page
    assert f"?topic={topic.pk}" in page


def test_the_campaigns_page_lists_each_campaign_with_its_contributions(roles):
    run = AnalysisRunFactory()
    copies = ContributionFactory.create_batch(3, published=True, body="Un même texte recopié ici.")
    campaign = Campaign.objects.create(
        run=run, representative=copies[0], text=copies[0].published_body, size=3
    )
    add_members(TopicFactory(run=run, label="Permanences"), copies, campaign=campaign)
    page = browser(roles, "lead").get(reverse("analysis:campaigns", args=[run.pk])).content.decode()
    assert "Campagne de 3 textes" in page
    assert "thème « Permanences »" in page
    for contribution in copies:
        assert f"n° {contribution.pk}" in page


def test_the_edit_log_names_who_did_what(roles):
    topic = TopicFactory(label="logement")
    TopicEdit.objects.create(
        run=topic.run,
        topic=topic,
        action="rename",
        user=roles["lead"],
        details={"label": "Se loger"},
    )
    page = browser(roles, "national").get(reverse("analysis:edits", args=[topic.run_id]))
    text = page.content.decode()
    assert "Renommage : « Se loger »" in text
    assert str(roles["lead"]) in text


def test_quotes_removed_are_not_shown_on_the_run_page(roles):
    quote = QuoteFactory(removed=True)
    page = browser(roles, "national").get(quote.topic.run.get_absolute_url()).content.decode()
    assert quote.text not in page
    assert Quote.objects.count() == 1
