"""Contributions collected offline: one by one, and CSV imports that are all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assises.models import OfflineEntry
from assises.services.offline import CSV_COLUMNS, csv_template
from contributions.models import Contribution
from egts.moderation import ModerationStatus

pytestmark = pytest.mark.django_db

OFFLINE = "/espace/grand-sud/contributions-hors-ligne/"
IMPORT = OFFLINE + "import/"
HEADER = ";".join(CSV_COLUMNS)
GOOD = (
    "interview;2014-03-12;Nîmes;expectation;Un interlocuteur unique;"
    "Les personnes rencontrées demandent un seul interlocuteur.;T1|T3;P1;30;usagers"
)


def _csv(*lines: str, name: str = "contributions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), "text/csv")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("participant", 404),
        ("other_copil", 404),
        ("member", 302),
        ("facilitator", 403),
        ("lead", 302),
        ("national", 302),
    ],
)
def test_offline_entry_role_matrix(client, roles, role, status):
    client.force_login(roles[role])
    response = client.post(
        OFFLINE,
        {
            "source": "paper",
            "collected_on": "2014-02-03",
            "place": "Mairie d'Arles",
            "kind": "observation",
            "title": "Des délais trop longs",
            "body": "Les délais d'instruction des dossiers découragent les familles.",
            "themes": ["T2"],
            "department": "13",
            "actor_category": "usagers",
        },
    )
    assert response.status_code == status
    if status != 302:
        assert Contribution.objects.count() == 0
        return
    contribution = Contribution.objects.get()
    assert (
        contribution.source,
        contribution.status,
        contribution.territory.slug,
        contribution.author,
    ) == ("paper", ModerationStatus.PENDING, "grand-sud", None)
    entry = OfflineEntry.objects.get()
    assert (str(entry.collected_on), entry.place, entry.entered_by) == (
        "2014-02-03",
        "Mairie d'Arles",
        roles[role],
    )


def test_offline_entry_refuses_a_department_of_another_territory(client, roles):
    client.force_login(roles["member"])
    response = client.post(
        OFFLINE,
        {
            "source": "paper",
            "collected_on": "2014-02-03",
            "place": "Bordeaux",
            "kind": "observation",
            "title": "Titre correct",
            "body": "Un texte suffisamment long pour être accepté.",
            "themes": ["T2"],
            "department": "33",
            "actor_category": "usagers",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "department": ["Ce département n'est pas dans le territoire."]
    }
    assert response.context["form"].data["place"] == "Bordeaux"
    assert Contribution.objects.count() == 0


def test_valid_csv_file_imports_every_line(client, roles):
    client.force_login(roles["member"])
    second = GOOD.replace("interview;2014-03-12", "user_group;14/03/2014").replace(
        "Un interlocuteur unique", "Des horaires élargis"
    )
    response = client.post(IMPORT, {"file": _csv(HEADER, GOOD, second)})
    assert response.status_code == 302
    contributions = Contribution.objects.order_by("title")
    assert [(c.title, c.source, c.status) for c in contributions] == [
        ("Des horaires élargis", "user_group", "pending"),
        ("Un interlocuteur unique", "interview", "pending"),
    ]
    assert sorted(contributions[1].themes.values_list("code", flat=True)) == ["T1", "T3"]
    assert sorted(str(e.collected_on) for e in OfflineEntry.objects.all()) == [
        "2014-03-12",
        "2014-03-14",
    ]


def test_csv_file_with_three_bad_lines_reports_each_and_imports_nothing(client, roles):
    client.force_login(roles["member"])
    bad_source = GOOD.replace("interview", "telephone")
    bad_department = GOOD.replace(";30;", ";33;")
    bad_title_and_theme = GOOD.replace("Un interlocuteur unique", "Un").replace("T1|T3", "T9")
    response = client.post(
        IMPORT, {"file": _csv(HEADER, GOOD, bad_source, GOOD, bad_department, bad_title_and_theme)}
    )
    assert response.status_code == 400
    assert response.context["errors"] == [
        "Ligne 3, source : Sélectionnez un choix valide. telephone n’en fait pas partie.",
        "Ligne 5, departement : Ce département n'est pas dans le territoire.",
        "Ligne 6, titre : Assurez-vous que cette valeur comporte au moins 3 caractères "
        "(actuellement 2).",
        "Ligne 6, themes : Code de thème inconnu : « T9 ».",
    ]
    assert Contribution.objects.count() == 0
    assert OfflineEntry.objects.count() == 0


def test_csv_file_with_missing_columns_is_refused(client, roles):
    client.force_login(roles["member"])
    response = client.post(IMPORT, {"file": _csv("titre;texte", "a;b")})
    assert response.context["errors"] == [
        "Colonnes manquantes dans la première ligne : source, date, lieu, nature, themes, "
        "politiques, departement, categorie_acteur."
    ]


def test_csv_file_not_in_utf8_is_refused(client, roles):
    client.force_login(roles["member"])
    upload = SimpleUploadedFile("c.csv", (HEADER + "\n" + GOOD).encode("latin-1"))
    response = client.post(IMPORT, {"file": upload})
    assert response.context["errors"] == [
        "Le fichier n'est pas encodé en UTF-8 : dans votre tableur, enregistrez-le au format "
        "« CSV UTF-8 » puis importez-le de nouveau."
    ]
    assert Contribution.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "XLSX"),
    ],
)
def test_a_file_that_is_not_a_csv_is_refused_as_such(client, roles, content, kind):
    client.force_login(roles["member"])
    upload = SimpleUploadedFile("contributions.csv", content)
    response = client.post(IMPORT, {"file": upload})
    errors = response.context["form"].errors["file"]
    assert errors == [
        f"Ce fichier n'est pas un fichier CSV (c'est un fichier {kind}). Dans votre tableur, "
        "enregistrez le tableau au format « CSV » puis importez ce fichier."
    ]
    assert "doit être encodé" not in response.content.decode()
    assert Contribution.objects.count() == 0


def test_downloadable_template_is_itself_a_valid_import(client, roles):
    client.force_login(roles["member"])
    response = client.get(reverse("assises:offline-template", args=["grand-sud"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig") == csv_template()
    upload = SimpleUploadedFile("modele.csv", response.content)
    assert client.post(IMPORT, {"file": upload}).status_code == 302
    assert Contribution.objects.get().title == "Être mieux informé de ses droits"


def test_other_territory_cannot_import(client, roles):
    client.force_login(roles["other_copil"])
    response = client.post(IMPORT, {"file": _csv(HEADER, GOOD)})
    assert response.status_code == 404
    assert Contribution.objects.count() == 0
