"""Atom feed of the national action plan's progress updates."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ProgressUpdate

FEED_SIZE = 30


class ProgressUpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Plan d'action national — États généraux du travail social")
    subtitle = gettext_lazy("Les derniers points d'avancement des mesures du plan d'action.")
    link = reverse_lazy("actionplan:plan")

    def items(self):
        return (
            ProgressUpdate.objects.filter(measure__isnull=False)
            .select_related("measure__axis")
            .order_by("-date", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: ProgressUpdate) -> str:
        return _("%(measure)s : %(status)s (%(progress)s %%)") % {
            "measure": item.measure.title,
            "status": item.get_status_display(),
            "progress": item.progress,
        }

    def item_description(self, item: ProgressUpdate) -> str:
        return item.text

    def item_link(self, item: ProgressUpdate) -> str:
        return item.measure.get_absolute_url() + f"#point-{item.pk}"

    def item_guid(self, item: ProgressUpdate) -> str:
        return f"egts-plan-update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ProgressUpdate):
        return item.created_at

    def item_updateddate(self, item: ProgressUpdate):
        return item.created_at

    def item_categories(self, item: ProgressUpdate):
        return [item.measure.axis.title]
