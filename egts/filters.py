"""What the public lists' FilterSets share (django-filter): the French full-text search
``q``, the reference codes (territory, theme, policy), each refusing a code that names
nothing with a message of its own, and ``is_filtered`` for the page's "clear" button."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Policy, Territory, Theme

SEARCH_MAX_LENGTH = 200


TERRITORY_HELP = _("Identifiant (slug) du territoire")


def territory_filter(*, help_text=TERRITORY_HELP, **kwargs) -> django_filters.ModelChoiceFilter:
    """``kwargs``: the list's own ``empty_label``, and a null choice if it has one."""
    return django_filters.ModelChoiceFilter(
        label=_("Territoire"),
        queryset=Territory.objects.order_by("order", "name"),
        to_field_name="slug",
        help_text=help_text,
        error_messages={"invalid_choice": _("Territoire inconnu : %(value)s.")},
        **kwargs,
    )


def theme_filter(*, field_name: str = "themes", **kwargs) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Thème"),
        field_name=field_name,
        queryset=Theme.objects.all(),
        empty_label=_("Tous"),
        help_text=_("Code du thème (T1–T6)"),
        error_messages={"invalid_choice": _("Thème inconnu : %(value)s.")},
        **kwargs,
    )


def policy_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Politique sociale"),
        field_name="policies",
        queryset=Policy.objects.all(),
        empty_label=_("Toutes"),
        help_text=_("Code de la politique (P1–P5)"),
        error_messages={"invalid_choice": _("Politique inconnue : %(value)s.")},
    )


class PublicFilterSet(django_filters.FilterSet):
    """A public list's FilterSet: the page hides the API's help texts, and tells whether
    anything is filtered (for its "clear" button)."""

    def get_form_class(self):
        # The filters' help texts describe the API's parameters (slugs, codes, true/false:
        # drf-spectacular reads them from the filters); on the page the labels and the
        # choices say enough.
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            field.help_text = ""
        return form_class

    @property
    def is_filtered(self) -> bool:
        data = getattr(self.form, "cleaned_data", {})
        return any(value not in (None, "") for value in data.values())


class SearchFilterSet(PublicFilterSet):
    """A FilterSet over a queryset with ``search()`` (egts/search.py)."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="search_text",
        help_text=_("Recherche plein texte en français"),
    )

    def search_text(self, queryset, name, value):
        return queryset.search(value[:SEARCH_MAX_LENGTH])  # a longer query is cut, not refused
