"""HTML pages of the action plan: public plan, measure, CSV, feed, forms, participant blocks."""

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from actionplan.models import FollowUpPreference, Measure, Status
from egts.models import Territory
from tests.factories.actionplan import (
    AxisFactory,
    FollowUpPreferenceFactory,
    ForwardedProposalFactory,
    IndicatorFactory,
    LocalActionFactory,
    MeasureFactory,
    ProgressUpdateFactory,
)
from tests.factories.assises import ProposalFactory, territory
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, national_team_member

pytestmark = pytest.mark.django_db


def _measures(n: int, axis=None):
    axis = axis or AxisFactory(title="Formations")
    for index in range(n):
        proposal = ForwardedProposalFactory(
            territory=territory("grand-sud" if index % 2 else "sud-ouest")
        )
        measure = MeasureFactory(axis=axis, proposals=[proposal], in_progress=True)
        IndicatorFactory(measure=measure)
    return axis


def test_plan_page_shows_axes_measures_status_progress_and_origins(client):
    axis = AxisFactory(title="Rénover les formations")
    south = ForwardedProposalFactory(title="Socle", theme_id="T2")
    rhone = ForwardedProposalFactory(
        title="Stages", territory=territory("rhone-alpes-auvergne"), theme_id="T2"
    )
    MeasureFactory(axis=axis, title="Socle commun", proposals=[south, rhone], in_progress=True)
    MeasureFactory(axis=axis, title="Abandonnée", abandoned=True)

    response = client.get(reverse("actionplan:plan"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Axe 1 : Rénover les formations" in html
    assert "Socle commun" in html
    names = Territory.objects.filter(slug__in=["grand-sud", "rhone-alpes-auvergne"]).order_by(
        "order", "name"
    )
    assert f"Issue des territoires : {', '.join(t.name for t in names)}</p>" in html
    assert 'aria-label="Avancement de l\'axe « Rénover les formations »">40 %' in html
    assert response.context["summary"]["in_progress"] == 1
    assert response.context["summary"]["abandoned"] == 1


@pytest.mark.parametrize("rows", [1, 50])
def test_plan_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    _measures(rows)

    # axes + measures + proposals + plan summary (+ session-free anonymous request)
    with django_assert_num_queries(4):
        response = client.get(reverse("actionplan:plan"))

    assert len(response.context["axes"][0].measure_rows) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_manage_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    _measures(rows)
    client.force_login(national_team_member())

    # session, user, axes, measures, proposals, summary, waiting proposals
    with django_assert_num_queries(7):
        response = client.get(reverse("actionplan:manage"))

    assert response.status_code == 200


def test_measure_page_shows_history_indicators_and_linked_contributions(client):
    proposal = ForwardedProposalFactory(title="Socle", territory=territory("grand-sud"))
    contribution = ContributionFactory(published=True, title="Former ensemble")
    proposal.related_contributions.add(contribution, ContributionFactory(title="En attente"))
    measure = MeasureFactory(proposals=[proposal], in_progress=True, budget=Decimal("1500000"))
    indicator = IndicatorFactory(measure=measure, label="Diplômes", current_value=5)
    update = ProgressUpdateFactory(measure=measure, text="Référentiel rédigé")
    update.values.create(indicator=indicator, value=5)

    response = client.get(measure.get_absolute_url())

    html = response.content.decode()
    assert "Référentiel rédigé" in html
    assert "Statut : Prévue → En cours" in html
    assert "Diplômes : 5 diplômes" in html
    assert "Former ensemble" in html
    assert "En attente" not in html
    assert [t.slug for t in response.context["territories"]] == ["grand-sud"]


def test_plan_csv_has_one_row_per_measure(client):
    axis = AxisFactory(title="Formations")
    proposal = ForwardedProposalFactory(territory=territory("grand-sud"), theme_id="T2")
    measure = MeasureFactory(
        axis=axis, title="Socle commun", proposals=[proposal], in_progress=True, budget=1000
    )
    IndicatorFactory(measure=measure, label="Diplômes", current_value=5, unit="")

    response = client.get(reverse("actionplan:csv"))

    body = b"".join(response.streaming_content).decode("utf-8")
    # For a French spreadsheet: BOM, semicolons, French headers and labels.
    assert body.startswith("\ufeffAxe;Identifiant de la mesure;Mesure;Statut;")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[1] == [
        "Formations",
        str(measure.pk),
        "Socle commun",
        "En cours",
        "40",
        "DGCS",
        "Régions",
        "01/09/2016",
        "1000,00",
        "Diplômes: 5.00/14.00",
        "Grand Sud",
        "grand-sud",
        proposal.theme.label,
        "T2",
        str(proposal.pk),
    ]


def test_plan_csv_neutralises_formulas(client):
    MeasureFactory(title='=HYPERLINK("https://piege.example")', owner="@SUM(A1)")
    body = b"".join(client.get(reverse("actionplan:csv")).streaming_content).decode("utf-8")
    row = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))[1]
    assert row[2] == '\'=HYPERLINK("https://piege.example")'
    assert row[5] == "'@SUM(A1)"


def test_atom_feed_lists_measure_updates(client):
    update = ProgressUpdateFactory(measure=MeasureFactory(title="Socle commun"))
    LocalActionFactory()

    response = client.get(reverse("actionplan:feed"))

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Socle commun : En cours (40 %)</title>" in body
    assert f"egts-plan-update-{update.pk}" in body


def test_bad_measure_input_re_renders_with_values_and_field_errors(client):
    client.force_login(national_team_member())
    axis = AxisFactory()

    response = client.post(
        reverse("actionplan:measure-create"),
        {
            "axis": axis.pk,
            "title": "Mon titre tapé",
            "description": "",
            "owner": "DGCS",
            "order": 0,
            "budget": "-5",
            "indicators-TOTAL_FORMS": 1,
            "indicators-INITIAL_FORMS": 0,
            "indicators-0-label": "Diplômes",
            "indicators-0-target_value": "",
        },
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"description", "budget"}
    assert response.context["formset"].errors == [
        {"target_value": ["Indiquez la valeur cible de l'indicateur."]}
    ]
    html = response.content.decode()
    assert 'value="Mon titre tapé"' in html
    assert 'value="Diplômes"' in html
    assert not Measure.objects.exists()


def test_non_forwarded_proposal_is_a_field_error(client):
    client.force_login(national_team_member())
    draft = ProposalFactory()

    response = client.post(
        reverse("actionplan:measure-create"),
        {
            "axis": AxisFactory().pk,
            "title": "Titre",
            "description": "Texte",
            "owner": "DGCS",
            "order": 0,
            "proposals": [draft.pk],
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["proposals"]


def test_measure_created_with_indicators_from_the_form(client):
    client.force_login(national_team_member())
    axis = AxisFactory()
    proposals = [
        ForwardedProposalFactory(),
        ForwardedProposalFactory(territory=territory("sud-ouest")),
    ]

    response = client.post(
        reverse("actionplan:measure-create"),
        {
            "axis": axis.pk,
            "title": "Socle commun",
            "description": "Texte",
            "owner": "DGCS",
            "order": 0,
            "proposals": [p.pk for p in proposals],
            "indicators-TOTAL_FORMS": 2,
            "indicators-INITIAL_FORMS": 0,
            "indicators-0-label": "Diplômes",
            "indicators-0-target_value": "14",
            "indicators-1-label": "",
        },
    )

    measure = Measure.objects.get()
    assert response["Location"] == measure.get_absolute_url()
    assert list(measure.indicators.values_list("label", "target_value")) == [
        ("Diplômes", Decimal("14.00"))
    ]
    assert measure.proposals.count() == 2


def test_bad_progress_input_keeps_the_text_and_names_the_field(client):
    client.force_login(national_team_member())
    measure = MeasureFactory()

    response = client.post(
        reverse("actionplan:measure-progress", args=[measure.pk]),
        {"date": "2015-03-01", "status": "abandoned", "progress": "140", "text": "Mon texte"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"progress", "abandon_reason"}
    assert "Mon texte" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == Status.PLANNED


def _contribution_behind_measure(author, *, status=Status.IN_PROGRESS):
    proposal = ForwardedProposalFactory(title="Socle")
    contribution = ContributionFactory(published=True, author=author, title="Ma contribution")
    proposal.related_contributions.add(contribution)
    measure = MeasureFactory(proposals=[proposal], title="Socle commun", status=status)
    return contribution, measure


def test_published_contribution_page_shows_its_proposals_and_measures(client):
    contribution, measure = _contribution_behind_measure(UserFactory())

    html = client.get(contribution.get_absolute_url()).content.decode()

    assert "Ce qu'est devenue cette contribution" in html
    assert "Elle a nourri la proposition « Socle » (Grand Sud)." in html
    assert f'<a href="{measure.get_absolute_url()}">Socle commun</a>' in html
    assert "En cours" in html


def test_participant_space_shows_measures_and_the_opt_in(client):
    author = UserFactory()
    _contribution_behind_measure(author)
    client.force_login(author)

    html = client.get(reverse("participant-space")).content.decode()

    assert "Ce que sont devenues mes contributions" in html
    assert "Proposition « Socle » (Grand Sud)" in html
    assert "Socle commun" in html
    assert 'name="notify_measure_status"' in html


def test_opt_in_then_out_from_participant_space(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("actionplan:preference"), {"notify_measure_status": "on"})
    assert response["Location"] == reverse("participant-space") + "#suivi-contributions"
    assert FollowUpPreference.objects.get(user=user).notify_measure_status is True

    client.post(reverse("actionplan:preference"), {})
    assert FollowUpPreference.objects.get(user=user).notify_measure_status is False


def test_anonymous_cannot_set_a_preference(client):
    response = client.post(reverse("actionplan:preference"), {"notify_measure_status": "on"})

    assert response.status_code == 302
    assert not FollowUpPreference.objects.exists()


def test_progress_form_status_change_mails_the_opted_in_author(
    client, django_capture_on_commit_callbacks
):
    author = UserFactory(email="auteur@exemple.fr")
    FollowUpPreferenceFactory(user=author)
    _contribution, measure = _contribution_behind_measure(author, status=Status.PLANNED)
    client.force_login(national_team_member())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("actionplan:measure-progress", args=[measure.pk]),
            {"date": "2015-03-01", "status": "in_progress", "progress": 30, "text": "Lancée"},
        )

    assert [m.to for m in mail.outbox] == [["auteur@exemple.fr"]]


def test_territory_page_shows_its_local_actions(client):
    LocalActionFactory(title="Réseau des formateurs", status=Status.IN_PROGRESS, progress=50)
    LocalActionFactory(title="Ailleurs", territory=territory("sud-ouest"))

    html = client.get(reverse("territory-detail", args=["grand-sud"])).content.decode()

    assert "Suivi des assises : actions locales" in html
    assert "Réseau des formateurs" in html
    assert "Ailleurs" not in html
    assert "50 %" in html


def test_workspace_menu_links_to_the_follow_up(client):
    from tests.factories.egts import copil_member

    client.force_login(copil_member("grand-sud"))

    html = client.get(reverse("assises:dashboard", args=["grand-sud"])).content.decode()

    assert reverse("actionplan:local-actions", args=["grand-sud"]) in html


def test_main_menu_leads_to_the_plan_and_the_documentation(client):
    html = client.get(reverse("actionplan:plan")).content.decode()

    assert (
        f'<a class="fr-nav__link" href="{reverse("actionplan:plan")}" aria-current="page">'
        "Plan d'action</a>"
    ) in html
    assert f'<a class="fr-nav__link" href="{reverse("documents:list")}">Documentation</a>' in html


def test_back_office_proposal_page_shows_the_measure_it_became(client):
    from tests.factories.egts import copil_member

    proposal = ForwardedProposalFactory()
    measure = MeasureFactory(proposals=[proposal], title="Socle commun", in_progress=True)
    LocalActionFactory(title="Réseau local", proposals=[proposal])
    client.force_login(copil_member("grand-sud"))

    html = client.get(reverse("assises:proposal-detail", args=[proposal.pk])).content.decode()

    assert f'<a href="{measure.get_absolute_url()}">Socle commun</a>' in html
    assert "Action locale : Réseau local" in html


def test_cached_contribution_page_shows_the_new_status_after_progress(
    client, settings, django_capture_on_commit_callbacks
):
    import datetime

    from actionplan import services

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    contribution, measure = _contribution_behind_measure(UserFactory(), status=Status.PLANNED)
    assert "Prévue" in client.get(contribution.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.measure_record_progress(
            measure=measure,
            author=national_team_member(),
            date=datetime.date(2015, 3, 1),
            text="Terminée.",
            status=Status.DONE,
            progress=100,
        )

    html = client.get(contribution.get_absolute_url()).content.decode()
    assert "Réalisée" in html
    assert "Prévue" not in html


def test_manage_page_turns_checked_proposals_into_a_prefilled_measure(client):
    client.force_login(national_team_member())
    AxisFactory()
    first = ForwardedProposalFactory(title="A : socle commun")
    second = ForwardedProposalFactory(title="B : stages croisés")
    MeasureFactory(proposals=[ForwardedProposalFactory(title="Déjà reprise")])

    manage = client.get(reverse("actionplan:manage"))
    response = client.get(
        reverse("actionplan:measure-create"), {"proposals": [first.pk, second.pk, "x"]}
    )

    assert manage.context["waiting"] == [first, second]
    assert "Déjà reprise" not in manage.content.decode().split('id="waiting-proposals"')[1]
    assert response.context["form"]["proposals"].value() == [str(first.pk), str(second.pk)]


def _csv_rows(response) -> list[list[str]]:
    """The rows, whichever separator and BOM the export uses."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_plan_csv_neutralises_cells_that_would_run_as_formulas(client):
    axis = AxisFactory(title="-1+2")
    measure = MeasureFactory(
        axis=axis,
        title='=HYPERLINK("https://piege.example";"Cliquez")',
        owner="+33 1 23 45 67 89",
        partners="@SUM(A1:A9)",
    )
    IndicatorFactory(measure=measure, label="\tcmd", current_value=1, unit="")
    MeasureFactory(axis=axis, title="\r=1+1", owner="DGCS")

    rows = _csv_rows(client.get(reverse("actionplan:csv")))

    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert [first[h] for h in (header[0], header[2], header[5], header[6])] == [
        "'-1+2",
        '\'=HYPERLINK("https://piege.example";"Cliquez")',
        "'+33 1 23 45 67 89",
        "'@SUM(A1:A9)",
    ]
    assert first[header[9]].startswith("'\tcmd")
    assert rows[2][2] == "'\r=1+1"
    assert rows[2][5] == "DGCS"
