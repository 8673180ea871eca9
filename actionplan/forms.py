"""Forms of the action plan's back-office: they validate, the services act."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assises.models import Proposal, ProposalStatus
from egts.forms import BaseForm as DsfrBaseForm

from .models import REASON_MAX_LENGTH, TEXT_MAX_LENGTH, Axis, LocalAction, Measure, Status

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Proposal) -> str:
        return f"{obj.title} ({obj.territory.name})"


class AxisForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class _TrackedForm(DsfrBaseForm, forms.ModelForm):
    proposals = ProposalChoiceField(
        label=_("Propositions à l'origine"),
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("Le budget ne peut pas être négatif."))
        return budget


class MeasureForm(_TrackedForm):
    class Meta:
        model = Measure
        fields = [
            "axis",
            "title",
            "description",
            "owner",
            "partners",
            "deadline",
            "budget",
            "order",
            "proposals",
        ]
        widgets = {
            "deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
            "partners": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = Axis.objects.all()
        self.fields["proposals"].queryset = (
            Proposal.objects.filter(status=ProposalStatus.FORWARDED)
            .select_related("territory")
            .order_by("territory__order", "title", "id")
        )
        self.fields["proposals"].help_text = _(
            "Les propositions transmises par les territoires ; cochez-en plusieurs pour "
            "fusionner des propositions convergentes."
        )


class LocalActionForm(_TrackedForm):
    class Meta:
        model = LocalAction
        fields = ["title", "description", "owner", "partners", "deadline", "budget", "proposals"]
        widgets = {
            "deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
            "partners": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = (
            Proposal.objects.filter(territory=territory)
            .exclude(status=ProposalStatus.DRAFT)
            .select_related("territory")
            .order_by("title", "id")
        )


class IndicatorRowForm(DsfrBaseForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Indicateur"), max_length=200, required=False)
    unit = forms.CharField(
        label=_("Unité"), max_length=40, required=False, help_text=_("Par exemple « % »")
    )
    target_value = forms.DecimalField(
        label=_("Valeur cible"), max_digits=14, decimal_places=2, required=False
    )
    delete = forms.BooleanField(label=_("Supprimer cet indicateur"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("label") and cleaned.get("target_value") is None:
            self.add_error("target_value", _("Indiquez la valeur cible de l'indicateur."))
        if cleaned.get("target_value") is not None and not cleaned.get("label"):
            self.add_error("label", _("Nommez l'indicateur."))
        return cleaned


IndicatorFormSet = forms.formset_factory(IndicatorRowForm, extra=2, max_num=20, validate_max=True)


def indicator_formset(data=None, *, owner=None) -> forms.BaseFormSet:
    """The indicator rows, each field labelled with its row number for screen readers."""
    initial = []
    if owner is not None and owner.pk:
        initial = [
            {"id": i.pk, "label": i.label, "unit": i.unit, "target_value": i.target_value}
            for i in owner.indicators.all()
        ]
    formset = IndicatorFormSet(data, initial=initial, prefix="indicators")
    for number, form in enumerate(formset.forms, start=1):
        if number > len(initial):
            del form.fields["delete"]
        for name in ("label", "unit", "target_value", "delete"):
            if name in form.fields:
                label = f"{form.fields[name].label} {number}"
                # DsfrBaseForm builds the bound fields in __init__: relabel both.
                form.fields[name].label = label
                form[name].label = label
    return formset


def indicator_rows(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data]


class ProgressForm(DsfrBaseForm):
    date = forms.DateField(label=_("Date du point d'avancement"), widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices)
    progress = forms.IntegerField(
        label=_("Avancement (%)"), min_value=0, max_value=100, help_text=_("De 0 à 100.")
    )
    text = forms.CharField(
        label=_("Ce qui a été fait"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    abandon_reason = forms.CharField(
        label=_("Motif de l'abandon"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire si l'action est abandonnée."),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=_("Valeur relevée : %(label)s%(unit)s")
                % {"label": indicator.label, "unit": unit},
                help_text=_("Cible : %(target)s") % {"target": indicator.target_value},
                max_digits=14,
                decimal_places=2,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.ABANDONED and not cleaned.get("abandon_reason"):
            self.add_error("abandon_reason", _("Indiquez pourquoi l'action est abandonnée."))
        return cleaned

    def values(self) -> dict:
        return {
            indicator.pk: self.cleaned_data.get(f"value_{indicator.pk}")
            for indicator in self.indicators
            if self.cleaned_data.get(f"value_{indicator.pk}") is not None
        }


class PreferenceForm(DsfrBaseForm):
    notify_measure_status = forms.BooleanField(
        label=_(
            "Me prévenir par courriel quand une mesure issue de mes contributions change de statut"
        ),
        required=False,
    )
