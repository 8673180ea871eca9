"""The filters of the action plan's API lists, declared once (django-filter): an unknown
value is a 400 naming the parameter, and drf-spectacular documents them from here."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from egts.filters import territory_filter, theme_filter

from .models import Axis, LocalAction, Measure, Status


def status_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        choices=Status.choices,
        error_messages={"invalid_choice": _("Statut inconnu : %(value)s.")},
    )


class MeasureFilter(django_filters.FilterSet):
    axis = django_filters.ModelChoiceFilter(
        queryset=Axis.objects.all(),
        help_text=_("Identifiant de l'axe"),
        error_messages={"invalid_choice": _("Axe inconnu : %(value)s.")},
    )
    status = status_filter()
    # Where the measure comes from: the territory and the theme of one of its proposals.
    territory = territory_filter(
        field_name="proposals__territory",
        distinct=True,
        help_text=_("Territoire d'origine (slug)"),
    )
    theme = theme_filter(field_name="proposals__theme", distinct=True)

    class Meta:
        model = Measure
        fields = ["axis", "status", "territory", "theme"]


class LocalActionFilter(django_filters.FilterSet):
    territory = territory_filter()
    status = status_filter()

    class Meta:
        model = LocalAction
        fields = ["territory", "status"]
