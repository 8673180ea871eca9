"""Forms of the diagnosis: hypotheses, their review, proposals and their ranking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.models import (
    Contribution,
)
from practices.models import Practice

from ..models import (
    Hypothesis,
    HypothesisReview,
    Proposal,
    Verdict,
)
from .base import (
    DATE_WIDGET,
    DsfrBaseForm,
)


class HypothesisForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Hypothesis
        fields = ["statement", "theme", "policy", "is_published"]


class HypothesisReviewForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = HypothesisReview
        fields = ["verdict", "argument", "refined_statement", "supporting_contributions"]
        widgets = {"verdict": forms.RadioSelect, "supporting_contributions": forms.SelectMultiple}
        help_texts = {
            "refined_statement": _("Obligatoire si l'hypothèse est précisée."),
            "supporting_contributions": _(
                "Contributions publiées du territoire qui appuient votre avis "
                "(Ctrl ou Cmd pour en choisir plusieurs)."
            ),
        }

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        # A verdict is required: no "---------" radio button before the real choices.
        self.fields["verdict"].choices = Verdict.choices
        self.fields["supporting_contributions"].queryset = (
            Contribution.objects.published().for_territory(territory).order_by("title")
        )

    def with_citation(self, contribution_id: str, allowed: set[int]) -> HypothesisReviewForm:
        """The same values in an unbound form, with one suggested contribution added to
        those cited (an id that was not suggested is ignored)."""
        initial = {name: self[name].value() for name in self.fields}
        cited = [str(pk) for pk in initial.get("supporting_contributions") or []]
        if contribution_id.isdigit() and int(contribution_id) in allowed:
            if contribution_id not in cited:
                cited.append(contribution_id)
        initial["supporting_contributions"] = cited
        return type(self)(initial=initial, instance=self.instance, territory=self.territory)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verdict") == "refined" and not cleaned.get("refined_statement", "").strip():
            self.add_error(
                "refined_statement", _("Indiquez la nouvelle formulation de l'hypothèse.")
            )
        return cleaned


class ProposalForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title",
            "description",
            "working_group",
            "theme",
            "policy",
            "level",
            "owner",
            "priority",
            "deadline",
            "indicators",
            "related_contributions",
            "related_practices",
        ]
        widgets = {
            "deadline": DATE_WIDGET,
            "related_contributions": forms.SelectMultiple,
            "related_practices": forms.SelectMultiple,
        }

    def __init__(self, *args, groups, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = groups
        self.fields["related_contributions"].queryset = (
            Contribution.objects.published().for_territory(territory).order_by("title")
        )
        self.fields["related_practices"].queryset = (
            Practice.objects.published().for_territory(territory).order_by("title")
        )


class RankForm(DsfrBaseForm):
    rank = forms.IntegerField(label=_("Rang"), min_value=1)
