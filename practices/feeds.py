"""Atom feed of newly published practices, for territories and partners who follow the catalogue."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Practice

FEED_SIZE = 30


class PublishedPracticesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Pratiques significatives — États généraux du travail social")
    subtitle = _("Les dernières pratiques inspirantes publiées par les territoires.")
    link = reverse_lazy("practices:catalogue")

    def items(self):
        return (
            Practice.objects.published()
            .select_related("territory")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        return item.summary

    def item_pubdate(self, item: Practice):
        return item.published_at

    def item_updateddate(self, item: Practice):
        return item.updated_at

    def item_categories(self, item: Practice):
        return [item.territory.name] if item.territory else []
