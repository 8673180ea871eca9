"""The public filters of the practices catalogue, declared once (django-filter) and used by
the HTML page and by the API, which drf-spectacular then documents from the same fields.

A code that names nothing (``?theme=T9``, ``?tag=inconnu``) is an error of that field: the
page shows it beside the field and ignores that filter, the API answers 400 with the
field's message.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from egts.filters import SearchFilterSet, policy_filter, territory_filter, theme_filter
from egts.models import ActorCategory

from .forms import PracticeBaseForm
from .models import Practice, PracticeTag

TRUE_VALUES = frozenset({"on", "true", "1", "yes", "oui"})
FALSE_VALUES = frozenset({"false", "0", "no", "non"})


class CheckboxInput(forms.CheckboxInput):
    """The page's checkbox (it sends "on"), which leaves the raw value to the field, so
    that an unticked box means "all practices" and the API's ``false`` means "not
    featured". Its name keeps Django's ``widget_type`` "checkbox", by which django-dsfr
    renders a DSFR checkbox."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: str(value).lower() in TRUE_VALUES)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FeaturedField(forms.NullBooleanField):
    widget = CheckboxInput
    default_error_messages = {"invalid": _("Indiquez true ou false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if str(value).lower() in TRUE_VALUES:
            return True
        if str(value).lower() in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class FeaturedFilter(django_filters.BooleanFilter):
    field_class = FeaturedField


class PracticeFilter(SearchFilterSet):
    territory = territory_filter(empty_label=_("Tous les territoires"))
    theme = theme_filter()
    policy = policy_filter()
    actor_category = django_filters.ChoiceFilter(
        label=_("Catégorie d'acteur"),
        choices=ActorCategory.choices,
        empty_label=_("Toutes"),
        error_messages={"invalid_choice": _("Catégorie d'acteur inconnue : %(value)s.")},
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Mot-clé"),
        field_name="tags",
        queryset=PracticeTag.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous"),
        help_text=_("Mot-clé (identifiant)"),
        error_messages={"invalid_choice": _("Mot-clé inconnu : %(value)s.")},
    )
    featured = FeaturedFilter(
        label=_("Pratiques mises en avant seulement"),
        help_text=_("Pratiques mises en avant (true) ou non (false)"),
    )

    class Meta:
        model = Practice
        fields = ["q", "territory", "theme", "policy", "actor_category", "tag", "featured"]
        form = PracticeBaseForm
