"""Loads the démarche's reference data from egts/data/ (INSEE 2013 and the EGTS vocabulary)."""

import csv
import datetime
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

# Calendar bounds of each stage; the reference gives months, the platform needs days.
STAGE_DATES = {
    "etat-des-lieux": (None, datetime.date(2013, 8, 31)),
    "territoires-pilotes": (datetime.date(2013, 9, 1), datetime.date(2013, 12, 31)),
    "assises-territoriales": (datetime.date(2014, 1, 1), datetime.date(2014, 4, 30)),
    "egts": (datetime.date(2014, 6, 1), datetime.date(2014, 6, 30)),
    "suivi": (datetime.date(2014, 7, 1), None),
}


# The reference notes places and vague dates in English for researchers; the site shows French.
PLACES = {
    "grand-nord": "Lille",
    "antilles-guyane": "Cayenne (Guyane), Guadeloupe et Martinique",
    "reunion-mayotte": "Saint-Denis (La Réunion) et Mayotte",
}
DATE_NOTES = {
    "grand-est": "Assises à l'automne 2014",
    "antilles-guyane": "Assises par département : Guyane le 11 juin 2014, Guadeloupe en juin-juillet "
    "2014, Martinique à l'automne 2014",
    "reunion-mayotte": "Assises à La Réunion en juin-juillet 2014, à Mayotte à l'automne 2014",
}


def _parse_day(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _parse_month(value):
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        return None


def load(apps, schema_editor):
    Theme = apps.get_model("egts", "Theme")
    Policy = apps.get_model("egts", "Policy")
    Territory = apps.get_model("egts", "Territory")
    Region = apps.get_model("egts", "Region")
    Department = apps.get_model("egts", "Department")
    Stage = apps.get_model("egts", "Stage")

    reference = json.loads((DATA / "egts_reference.json").read_text(encoding="utf-8"))

    for order, item in enumerate(reference["transverse_themes"], start=1):
        Theme.objects.update_or_create(
            code=item["code"], defaults={"label": item["label"], "order": order}
        )
    for order, item in enumerate(reference["policies"], start=1):
        Policy.objects.update_or_create(
            code=item["code"], defaults={"label": item["label"], "order": order}
        )

    regions_csv = list(csv.DictReader((DATA / "regions_2013.csv").open(encoding="utf-8")))
    region_rows = {row["code_insee"]: row for row in regions_csv}

    for order, item in enumerate(reference["interregions"], start=1):
        dates = item.get("dates") or {}
        assises_date = _parse_day(dates.get("assises"))
        host_city = PLACES.get(item["slug"], item.get("host_city") or "")
        territory, _created = Territory.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "code": item["code"],
                "name": item["label"],
                "wave": item["wave"],
                "overseas": item["overseas"],
                "order": order,
                "theme_id": item["theme"],
                "policy_id": item["policy"],
                "theme_is_placeholder": not str(item.get("theme_status", "")).startswith("source"),
                "place": host_city[:200],
                "work_starts_on": _parse_month(dates.get("work_started")),
                "assises_date": assises_date,
                "dates_note": DATE_NOTES.get(item["slug"], ""),
            },
        )
        for code in item["regions"]:
            row = region_rows[code]
            Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": row["nom"],
                    "capital": row["chef_lieu"],
                    "overseas": row["zone"] == "outre-mer",
                    "territory": territory,
                },
            )

    for row in csv.DictReader((DATA / "departements_2013.csv").open(encoding="utf-8")):
        Department.objects.update_or_create(
            code=row["code_insee"],
            defaults={"name": row["nom"], "region_id": row["region_2013_code"]},
        )

    for order, item in enumerate(reference["stages"], start=1):
        starts, ends = STAGE_DATES.get(item["code"], (None, None))
        Stage.objects.update_or_create(
            code=item["code"],
            defaults={
                "label": item["label"],
                "order": order,
                "starts": starts,
                "ends": ends,
                "content": item.get("content", []),
            },
        )


def unload(apps, schema_editor):
    for name in ("Department", "Region", "Territory", "Stage", "Theme", "Policy"):
        apps.get_model("egts", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("egts", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
