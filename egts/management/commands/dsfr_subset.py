from django.core.management.base import BaseCommand

from egts import dsfr_subset


class Command(BaseCommand):
    help = "Writes static/css/dsfr.css: the DSFR rules for the fr-* classes the pages use."

    def handle(self, *args, **options):
        css = dsfr_subset.build()
        dsfr_subset.OUTPUT.write_text(css)
        self.stdout.write(f"{dsfr_subset.OUTPUT}: {len(css.encode()) // 1024} KB")
