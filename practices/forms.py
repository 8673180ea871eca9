"""Forms validate; services act. The submission form is cut into steps."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.forms import RENDERER
from egts.forms import BaseForm as DsfrBaseForm
from egts.models import Department, Policy, Territory, Theme
from egts.moderation import Decision, RejectReason

from .models import (
    ORGANISATION_MAX_LENGTH,
    SECTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
)
from .uploads import ACCEPTED_LABEL, MAX_ATTACHMENTS

PERSONAL_DATA_WARNING = _(
    "Ne mentionnez ni donnée de santé, ni le nom d'une personne accompagnée, ni adresse "
    "électronique ou numéro de téléphone : le texte sera relu avant publication."
)
NEEDED_TO_SEND = _("À renseigner avant l'envoi ; vous pouvez enregistrer sans.")


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


def _section(label, help_text=NEEDED_TO_SEND, rows=6):
    return forms.CharField(
        label=label,
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class PracticeBaseForm(DsfrBaseForm):
    default_renderer = RENDERER


class UploadInput(forms.FileInput):
    """DSFR's upload component: django-dsfr's field snippet reads ``group_class``."""

    group_class = "fr-upload-group"


class DescriptionStepForm(PracticeBaseForm):
    title = forms.CharField(
        label=_("Titre de la pratique"),
        min_length=TITLE_MIN_LENGTH,
        max_length=TITLE_MAX_LENGTH,
        help_text=_("Entre %(min)s et %(max)s caractères.")
        % {"min": TITLE_MIN_LENGTH, "max": TITLE_MAX_LENGTH},
    )
    summary = forms.CharField(
        label=_("Résumé"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En quelques phrases (%(max)s caractères au plus).")
        % {"max": SUMMARY_MAX_LENGTH},
    )
    organisation = forms.CharField(
        label=_("Structure porteuse"),
        required=False,
        max_length=ORGANISATION_MAX_LENGTH,
        help_text=_("Association, service, collectivité… qui porte la pratique."),
    )
    department = DepartmentChoiceField(
        label=_("Département"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("Pratique nationale ou multi-territoires"),
        help_text=_("Détermine le territoire qui modère et diffuse la pratique."),
        error_messages={"invalid_choice": _("Département inconnu.")},
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes transverses"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Au moins un thème."),
        error_messages={"invalid_choice": _("Thème inconnu : %(value)s.")},
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("Politiques sociales concernées"),
        queryset=Policy.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Politique inconnue : %(value)s.")},
    )


class ContextStepForm(PracticeBaseForm):
    context = _section(_("Contexte et besoin"), help_text=PERSONAL_DATA_WARNING)
    people_concerned = _section(_("Personnes concernées"))
    actors = _section(_("Acteurs et partenaires"))


class ImplementationStepForm(PracticeBaseForm):
    implementation = _section(_("Mise en œuvre"), help_text=PERSONAL_DATA_WARNING, rows=8)
    results = _section(_("Résultats et évaluation"))
    transfer_conditions = _section(_("Conditions de transfert ailleurs"))


class DocumentsStepForm(PracticeBaseForm):
    contact_email = forms.EmailField(
        label=_("Adresse électronique de contact"),
        required=False,
        help_text=_(
            "Jamais publiée : elle permet à la modération et aux territoires de vous joindre."
        ),
    )
    file = forms.FileField(
        label=_("Ajouter une pièce jointe"),
        required=False,
        # The upload check gives the same message here and in the API.
        allow_empty_file=True,
        help_text=_("%(types)s ; 10 Mo au plus par fichier, %(max)s fichiers au plus.")
        % {"types": ACCEPTED_LABEL, "max": MAX_ATTACHMENTS},
        widget=UploadInput(
            attrs={"accept": ".pdf,.odt,.docx,.png,.jpg,.jpeg", "class": "fr-upload"}
        ),
    )


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    form_class: type[forms.Form]
    fields: tuple[str, ...]


STEPS = (
    Step(
        1,
        _("La pratique"),
        DescriptionStepForm,
        ("title", "summary", "organisation", "department", "themes", "policies"),
    ),
    Step(2, _("Contexte et publics"), ContextStepForm, ("context", "people_concerned", "actors")),
    Step(
        3,
        _("Mise en œuvre et résultats"),
        ImplementationStepForm,
        ("implementation", "results", "transfer_conditions"),
    ),
    Step(4, _("Pièces jointes, contact et envoi"), DocumentsStepForm, ("contact_email",)),
)
STEP_OF_FIELD = {name: step.number for step in STEPS for name in step.fields}


def step_initial(practice, step: Step) -> dict:
    initial = {}
    for name in step.fields:
        if name == "department":
            initial[name] = practice.department_id
        elif name in ("themes", "policies"):
            initial[name] = list(getattr(practice, name).all())
        else:
            initial[name] = getattr(practice, name)
    return initial


DECISION_CHOICES = [
    ("", _("Enregistrer les modifications sans décider")),
    (Decision.PUBLISH.value, Decision.PUBLISH.label),
    (Decision.REQUEST_CHANGES.value, Decision.REQUEST_CHANGES.label),
    (Decision.REJECT.value, Decision.REJECT.label),
]


class ModerationForm(PracticeBaseForm):
    decision = forms.ChoiceField(
        label=_("Décision"), choices=DECISION_CHOICES, required=False, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", _("— Choisir un motif —"))] + list(RejectReason.choices),
        required=False,
        help_text=_("Obligatoire pour refuser."),
    )
    message = forms.CharField(
        label=_("Message à l'auteur"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour demander des modifications ; envoyé par courriel."),
    )
    title = forms.CharField(
        label=_("Titre publié"), min_length=TITLE_MIN_LENGTH, max_length=TITLE_MAX_LENGTH
    )
    summary = forms.CharField(
        label=_("Résumé publié"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    context = _section(_("Contexte et besoin"), help_text="")
    people_concerned = _section(_("Personnes concernées"), help_text="")
    actors = _section(_("Acteurs et partenaires"), help_text="")
    implementation = _section(_("Mise en œuvre"), help_text="")
    results = _section(_("Résultats et évaluation"), help_text="")
    transfer_conditions = _section(_("Conditions de transfert"), help_text="")
    organisation = forms.CharField(
        label=_("Structure porteuse"), max_length=ORGANISATION_MAX_LENGTH
    )
    tags = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=(TAG_MAX_LENGTH + 2) * 10,
        help_text=_("Séparés par des virgules, 10 au plus."),
    )
    featured = forms.BooleanField(label=_("Mettre en avant dans le catalogue"), required=False)

    TEXT_FIELDS = (
        "title",
        "summary",
        "context",
        "people_concerned",
        "actors",
        "implementation",
        "results",
        "transfer_conditions",
        "organisation",
    )

    def __init__(self, *args, can_feature: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_feature:
            del self.fields["featured"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == Decision.REJECT and not data.get("reason"):
            self.add_error("reason", _("Indiquez le motif du refus."))
        if decision == Decision.REQUEST_CHANGES and not (data.get("message") or "").strip():
            self.add_error("message", _("Expliquez à l'auteur ce qu'il doit modifier."))
        return data

    def tag_names(self) -> list[str]:
        return [t for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]

    def published_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.TEXT_FIELDS}


class ShareForm(PracticeBaseForm):
    territories = forms.ModelMultipleChoiceField(
        label=_("Territoires destinataires"),
        queryset=Territory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un territoire.")},
    )
    message = forms.CharField(
        label=_("Message aux COPIL destinataires"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Territory.objects.order_by("order", "name")
        if practice.territory_id:
            queryset = queryset.exclude(pk=practice.territory_id)
        self.fields["territories"].queryset = queryset
