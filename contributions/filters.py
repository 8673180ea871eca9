"""The public filters of the contributions list, declared once (django-filter) and used by
the HTML page and by the API, which drf-spectacular then documents from the same fields.

A code that names nothing (``?theme=T9``, ``?territory=nulle-part``) is an error of that
field: the page shows it beside the field and ignores that filter, the API answers 400
with the field's message. ``topic`` is the exception: a topic the caller may not read
gives an empty list, as an unknown one does, so that its existence is not disclosed.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from egts.filters import SearchFilterSet, policy_filter, territory_filter, theme_filter
from egts.forms import BaseForm
from egts.models import ActorCategory

from .models import Contribution, ContributionKind


class ContributionFilter(SearchFilterSet):
    territory = territory_filter(empty_label=_("Tous les territoires"))
    theme = theme_filter()
    policy = policy_filter()
    kind = django_filters.ChoiceFilter(
        label=_("Nature"), choices=ContributionKind.choices, empty_label=_("Toutes")
    )
    actor_category = django_filters.ChoiceFilter(
        label=_("Catégorie d'acteur"), choices=ActorCategory.choices, empty_label=_("Toutes")
    )

    class Meta:
        model = Contribution
        fields = ["q", "territory", "theme", "policy", "kind", "actor_category"]
        form = BaseForm


class ContributionApiFilter(ContributionFilter):
    """The API's: the same filters, plus the topic of an analysis."""

    topic = django_filters.CharFilter(
        method="in_topic",
        help_text=_("Identifiant d'un thème dégagé par une analyse"),
    )

    class Meta(ContributionFilter.Meta):
        fields = [*ContributionFilter.Meta.fields, "topic"]

    def in_topic(self, queryset, name, value):
        # The analysis app decides who may list a topic's texts (its run's readers, or
        # anyone once a published synthesis uses it); imported here, as it depends on us.
        from analysis.selectors import topic_for_contribution_filter

        user = getattr(self.request, "user", None)
        topic = topic_for_contribution_filter(user, value[:20])
        if topic is None:
            return queryset.none()
        return queryset.filter(analysis_memberships__topic=topic)
