"""The public filters of statements and results, declared once (django-filter) and used by
the results page and by the API. An unknown code is an error of that field (400 in the API,
a message beside the field on the page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from egts.filters import PublicFilterSet, territory_filter, theme_filter
from egts.forms import BaseForm

from .models import Statement


class StatementFilter(PublicFilterSet):
    territory = territory_filter(empty_label=_("Tous les territoires"), method="in_territory")
    theme = theme_filter(field_name="theme")

    class Meta:
        model = Statement
        fields = ["territory", "theme"]
        form = BaseForm

    def in_territory(self, queryset, name, value):
        """A territory's statements and the national ones, which every territory votes on."""
        from django.db.models import Q

        return queryset.filter(Q(territory=value) | Q(territory__isnull=True))
