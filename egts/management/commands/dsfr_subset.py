from django.core.management.base import BaseCommand

from egts import dsfr_subset


class Command(BaseCommand):
    help = "Writes static/css/dsfr.css (the DSFR rules for the classes pages use) and its fonts."

    def handle(self, *args, **options):
        for path, content in dsfr_subset.files().items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            self.stdout.write(f"{path}: {len(content) / 1024:.1f} KB")
