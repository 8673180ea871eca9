import pytest
from django.db.models import Count

from egts.models import Department, Policy, Region, Stage, Territory, Theme

pytestmark = pytest.mark.django_db


def test_reference_counts_match_the_demarche():
    assert Region.objects.count() == 27
    assert Department.objects.count() == 101
    assert Territory.objects.count() == 9
    assert Theme.objects.count() == 6
    assert Policy.objects.count() == 5
    assert list(Stage.objects.values_list("code", flat=True)) == [
        "etat-des-lieux",
        "territoires-pilotes",
        "assises-territoriales",
        "egts",
        "suivi",
    ]


def test_every_department_belongs_to_exactly_one_region():
    assert not Department.objects.filter(region__isnull=True).exists()
    assert Department.objects.values("code").distinct().count() == 101
    corsica = Department.objects.filter(code__in=["2A", "2B"]).values_list("region_id", flat=True)
    assert sorted(corsica) == ["94", "94"]
    assert Department.objects.get(code="971").region.name == "Guadeloupe"


def test_every_region_belongs_to_exactly_one_territory():
    assert not Region.objects.filter(territory__isnull=True).exists()
    per_territory = dict(Territory.objects.annotate(n=Count("regions")).values_list("slug", "n"))
    assert sum(per_territory.values()) == 27
    assert per_territory == {
        "grand-sud": 3,
        "rhone-alpes-auvergne": 2,
        "bretagne-pays-de-la-loire": 2,
        "ile-de-france-centre": 2,
        "sud-ouest": 4,
        "grand-nord": 4,
        "grand-est": 5,
        "antilles-guyane": 3,
        "reunion-mayotte": 2,
    }


def test_territories_carry_wave_theme_policy_and_overseas_flag():
    grand_sud = Territory.objects.get(slug="grand-sud")
    assert (grand_sud.wave, grand_sud.theme_id, grand_sud.policy_id) == ("pilot", "T1", "P2")
    assert grand_sud.theme_is_placeholder is False
    assert str(grand_sud.assises_date) == "2014-06-27"
    assert set(Territory.objects.filter(overseas=True).values_list("slug", flat=True)) == {
        "antilles-guyane",
        "reunion-mayotte",
    }
    assert Territory.objects.filter(wave="pilot").count() == 3


def test_current_stage_is_the_last_started(settings):
    import datetime

    stages = Stage.objects.all()
    assert stages.current(datetime.date(2013, 10, 1)).code == "territoires-pilotes"
    assert Stage.objects.all().current(datetime.date(2014, 6, 15)).code == "egts"
    assert Stage.objects.all().current(datetime.date(2026, 1, 1)).code == "suivi"
