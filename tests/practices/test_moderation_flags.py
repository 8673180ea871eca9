"""The practice moderation page marks the personal data a moderator should remove."""

import pytest
from django.urls import reverse

from analysis.screening_models import PracticeCheck
from egts.models import Role
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

LIST_TITLE = "Passages signalés, à retirer ou anonymiser avant publication"


def _flagged_practice(**fields):
    return PracticeFactory(
        summary="Écrire à jeanne.martin@mail.example ou appeler le 06 12 34 56 78.",
        implementation="Madame Lefort, née le 3 mars 1961, reçoit au 12 rue des Lilas.",
        flags=["email", "phone", "name", "address", "birth_date"],
        **fields,
    )


def _page(client, practice):
    return client.get(reverse("practices:moderate", kwargs={"pk": practice.pk}))


def test_flagged_fragments_are_marked_with_their_labels(client):
    practice = _flagged_practice()
    client.force_login(copil_member("grand-sud"))

    html = _page(client, practice).content.decode()

    assert LIST_TITLE in html
    assert "des données personnelles" in html
    assert "adresse électronique ou numéro de téléphone :" not in html
    for fragment, label in [
        ("jeanne.martin@mail.example", "Adresse électronique"),
        ("06 12 34 56 78", "Numéro de téléphone"),
        ("Madame Lefort", "Nom de personne possible"),
        ("12 rue des Lilas", "Adresse postale possible"),
    ]:
        marked = f'{fragment}<span class="fr-sr-only"> ({label})</span></mark>'
        assert marked in html
        assert f'<mark class="egts-flagged">{fragment}</mark> : {label}' in html
    assert "Date de naissance possible" in html
    # The field the fragment sits in is named above its marked text.
    assert "Mise en œuvre" in html


def test_participant_html_is_escaped_around_the_marks(client):
    practice = _flagged_practice(
        results="<script>alert(1)</script> Contact : <b>ecrire@mail.example</b>"
    )
    client.force_login(national_team_member())

    html = _page(client, practice).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="egts-flagged" data-kind="email">ecrire@mail.example' in html


def test_no_fragment_no_list(client):
    practice = PracticeFactory()
    client.force_login(copil_member("grand-sud"))

    html = _page(client, practice).content.decode()

    assert LIST_TITLE not in html
    assert "egts-flagged" not in html


def test_a_name_found_by_the_task_alone_asks_for_a_careful_reading(client):
    practice = PracticeFactory(flags=["name"])
    client.force_login(copil_member("grand-sud"))

    html = _page(client, practice).content.decode()

    assert "repéré un nom de personne qui n" in html
    assert "est pas surligné ci-dessous" in html
    assert LIST_TITLE not in html


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("participant", False),
        ("author", False),
        ("copil_other_territory", False),
        ("copil_member", True),
        ("copil_lead", True),
        ("national", True),
    ],
)
def test_flagged_fragments_stay_hidden_from_others(client, role, allowed):
    practice = _flagged_practice()
    user = {
        "participant": UserFactory,
        "author": lambda: practice.author,
        "copil_other_territory": lambda: copil_member("grand-est"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role=Role.COPIL_LEAD),
        "national": national_team_member,
    }[role]()
    client.force_login(user)

    response = _page(client, practice)

    assert response.status_code == (200 if allowed else 404)
    assert (LIST_TITLE in response.content.decode()) is allowed
    assert ("Madame Lefort" in response.content.decode()) is allowed


NAME_LABEL = "Nom de personne possible"


def test_the_names_the_task_found_are_listed_and_marked(client):
    practice = PracticeFactory(results="Sophie Martin anime l'atelier du mardi.", flags=["name"])
    PracticeCheck.objects.create(practice=practice, names=["Sophie Martin"])
    client.force_login(copil_member("grand-sud"))

    html = _page(client, practice).content.decode()

    assert LIST_TITLE in html
    assert f'<mark class="egts-flagged">Sophie Martin</mark> : {NAME_LABEL}' in html
    assert f'Sophie Martin<span class="fr-sr-only"> ({NAME_LABEL})</span></mark>' in html
    assert "est pas surligné ci-dessous" not in html  # the name is pointed at now
    assert "pas encore eu lieu" not in html


def test_a_name_found_by_the_task_is_escaped(client):
    practice = PracticeFactory(results="Écrire à Léa <b>Roux</b> pour venir.", flags=["name"])
    PracticeCheck.objects.create(practice=practice, names=["Léa <b>Roux</b>"])
    client.force_login(national_team_member())

    html = _page(client, practice).content.decode()

    assert "<b>Roux</b>" not in html
    assert f'<mark class="egts-flagged">Léa &lt;b&gt;Roux&lt;/b&gt;</mark> : {NAME_LABEL}' in html


def test_a_pending_practice_not_screened_yet_says_so(client):
    practice = PracticeFactory(results="Sophie Martin anime l'atelier du mardi.")
    client.force_login(copil_member("grand-sud"))

    html = _page(client, practice).content.decode()

    assert "recherche automatique des noms de personnes n'a pas encore eu lieu" in html
    assert "Sophie Martin</mark>" not in html


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("copil_other_territory", False), ("copil_member", True), ("national", True)],
)
def test_the_names_found_stay_hidden_from_another_territory(client, role, allowed):
    practice = PracticeFactory(results="Sophie Martin anime l'atelier du mardi.", flags=["name"])
    PracticeCheck.objects.create(practice=practice, names=["Sophie Martin"])
    client.force_login(
        {
            "copil_other_territory": lambda: copil_member("grand-est"),
            "copil_member": lambda: copil_member("grand-sud"),
            "national": national_team_member,
        }[role]()
    )

    response = _page(client, practice)

    assert response.status_code == (200 if allowed else 404)
    assert ("Sophie Martin" in response.content.decode()) is allowed
