"""Render every published practice's page into the cache: after a deploy or a cache flush."""

from django.core.management.base import BaseCommand

from egts.cache import renew_object_pages
from practices.models import Practice
from practices.pages import PAGE_KIND, warm_practice_pages


class Command(BaseCommand):
    help = (
        "Makes the cached practice pages of the previous release stale, then renders every "
        "published practice's page into the cache, in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size: int, **options):
        renew_object_pages(PAGE_KIND)
        pks = list(Practice.objects.published().order_by("pk").values_list("pk", flat=True))
        cached = 0
        for start in range(0, len(pks), batch_size):
            cached += warm_practice_pages(pks[start : start + batch_size])
            if options["verbosity"] > 1:
                self.stdout.write(f"{cached} / {len(pks)}")
        self.stdout.write(f"{cached} published practice pages cached.")
