"""One assise per territory of the reference data, starting at the COPIL launch."""

from django.db import migrations


def create_assises(apps, schema_editor):
    Territory = apps.get_model("egts", "Territory")
    Assise = apps.get_model("assises", "Assise")
    existing = set(Assise.objects.values_list("territory_id", flat=True))
    Assise.objects.bulk_create(
        Assise(territory=territory, stage="copil_launch")
        for territory in Territory.objects.exclude(pk__in=existing)
    )


def remove_assises(apps, schema_editor):
    apps.get_model("assises", "Assise").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assises", "0001_initial"),
        ("egts", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(create_assises, remove_assises)]
