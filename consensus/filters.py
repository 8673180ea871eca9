"""The public filters of statements and results, declared once (django-filter) and used by
the results page and by the API. An unknown code is an error of that field (400 in the API,
a message beside the field on the page)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from egts.forms import BaseForm
from egts.models import Territory, Theme

from .models import Statement


class StatementFilter(django_filters.FilterSet):
    territory = django_filters.ModelChoiceFilter(
        label=_("Territoire"),
        queryset=Territory.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous les territoires"),
        help_text=_("Identifiant (slug) du territoire"),
        method="in_territory",
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"),
        queryset=Theme.objects.all(),
        empty_label=_("Tous"),
        help_text=_("Code du thème (T1–T6)"),
    )

    class Meta:
        model = Statement
        fields = ["territory", "theme"]
        form = BaseForm

    def in_territory(self, queryset, name, value):
        """A territory's statements and the national ones, which every territory votes on."""
        from django.db.models import Q

        return queryset.filter(Q(territory=value) | Q(territory__isnull=True))
