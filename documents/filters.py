"""The filters of the documentation centre, declared once (django-filter) and used by the
HTML list and by the API, which drf-spectacular then documents from the same fields.

A code that names nothing (``?kind=poeme``, ``?territory=atlantide``) is an error of that
field: the page shows it beside the field and ignores that filter, the API answers 400
with the field's message. ``territory=national`` lists the documents of no territory.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from egts.filters import SearchFilterSet, policy_filter, territory_filter, theme_filter
from egts.forms import BaseForm

from .models import Document, DocumentKind

NATIONAL = "national"


class DocumentFilter(SearchFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Type de document"),
        choices=DocumentKind.choices,
        empty_label=_("Tous"),
        error_messages={"invalid_choice": _("Type de document inconnu : %(value)s.")},
    )
    # The documents of no territory are "national": django-filter's null choice.
    territory = territory_filter(
        empty_label=_("Tous"),
        null_label=_("National"),
        null_value=NATIONAL,
        help_text=_("Identifiant (slug) du territoire, ou « national »"),
    )
    theme = theme_filter()
    policy = policy_filter()

    class Meta:
        model = Document
        fields = ["q", "kind", "territory", "theme", "policy"]
        form = BaseForm
