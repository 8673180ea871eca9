"""Forms validate; services act. Questionnaire fields are built from the questions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.utils import dsfr_input_class_attr

from egts.forms import HONEYPOT_FIELD, RENDERER, HoneypotMixin
from egts.forms import BaseForm as DsfrBaseForm
from egts.models import ActorCategory, Department, Policy, Territory, Theme
from egts.moderation import Decision, RejectReason

from .models import (
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    ContributionKind,
    Question,
    QuestionKind,
)


class BaseForm(DsfrBaseForm):
    default_renderer = RENDERER


PERSONAL_DATA_WARNING = _(
    "Ne mentionnez ni donnée de santé, ni le nom d'une personne, ni adresse électronique "
    "ou numéro de téléphone : votre texte sera relu avant publication."
)


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class ContributionForm(HoneypotMixin, BaseForm):
    kind = forms.ChoiceField(
        label=_("Nature de votre contribution"),
        choices=ContributionKind.choices,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Titre"),
        min_length=TITLE_MIN_LENGTH,
        max_length=TITLE_MAX_LENGTH,
        help_text=_("Entre %(min)s et %(max)s caractères.")
        % {"min": TITLE_MIN_LENGTH, "max": TITLE_MAX_LENGTH},
    )
    body = forms.CharField(
        label=_("Votre texte"),
        min_length=BODY_MIN_LENGTH,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "data-egts-personal-data-check": "true"}),
        help_text=PERSONAL_DATA_WARNING,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes transverses"),
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Au moins un thème."),
        error_messages={
            "required": _("Choisissez au moins un thème."),
            "invalid_choice": _("Thème inconnu : %(value)s."),
            "invalid_pk_value": _("Thème inconnu : %(pk)s."),
        },
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("Politiques sociales concernées"),
        queryset=Policy.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("Politique inconnue : %(value)s."),
            "invalid_pk_value": _("Politique inconnue : %(pk)s."),
        },
    )
    department = DepartmentChoiceField(
        label=_("Département"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("Aucun : contribution nationale"),
        help_text=_("Votre contribution sera lue par le comité de pilotage de son territoire."),
    )
    actor_category = forms.ChoiceField(
        label=_("Votre catégorie d'acteur"),
        choices=[("", _("Choisissez une catégorie"))] + list(ActorCategory.choices),
    )

    field_order = [
        "kind",
        "title",
        "body",
        "themes",
        "policies",
        "department",
        "actor_category",
        "website",
    ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "themes": list(data["themes"]),
            "policies": list(data["policies"]),
            "department": data["department"],
            "actor_category": data["actor_category"],
        }

    def text_for_similar(self) -> str:
        """What the participant typed, as the similar look-up reads it (never saved)."""
        return " ".join(str(self.data.get(name) or "") for name in ("title", "body"))

    def unchecked_copy(self) -> ContributionForm:
        """The same values in an unbound form: shown again without error messages."""
        initial = {name: self[name].value() for name in self.fields if name != HONEYPOT_FIELD}
        return type(self)(initial=initial)


class ModerationForm(BaseForm):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (Decision.PUBLISH, Decision.PUBLISH.label),
            (Decision.REJECT, Decision.REJECT.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", _("Choisissez un motif"))] + list(RejectReason.choices),
        required=False,
        help_text=_("Obligatoire pour refuser."),
    )
    message = forms.CharField(
        label=_("Message à l'auteur"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    published_body = forms.CharField(
        label=_("Texte publié"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Retirez les noms, coordonnées et données de santé avant de publier."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REJECT and not data.get("reason"):
            self.add_error("reason", _("Indiquez le motif du refus."))
        if (
            data.get("decision") == Decision.PUBLISH
            and not (data.get("published_body") or "").strip()
        ):
            self.add_error("published_body", _("Le texte publié ne peut pas être vide."))
        return data


# --- Questionnaire ----------------------------------------------------------------------


class RespondentForm(BaseForm):
    """The first step: who answers, from where."""

    actor_category = forms.ChoiceField(
        label=_("Votre catégorie d'acteur"),
        choices=[("", _("Choisissez une catégorie"))] + list(ActorCategory.choices),
    )
    department = DepartmentChoiceField(
        label=_("Votre département"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("Je préfère ne pas le dire"),
    )


class ResultsFilterForm(BaseForm):
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous les territoires"),
    )
    actor_category = forms.ChoiceField(
        label=_("Catégorie d'acteur"),
        choices=[("", _("Toutes"))] + list(ActorCategory.choices),
        required=False,
    )


def question_field_name(question: Question) -> str:
    return f"question_{question.id}"


class QuestionStepForm(HoneypotMixin, BaseForm):
    """The questions of one step, built from the questionnaire."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question_field_name(question)] = self._field_for(question)
        # The honeypot goes last so that it never comes first in the tab order.
        self.order_fields([question_field_name(q) for q in questions] + ["website"])
        for question in questions:
            dsfr_input_class_attr(self[question_field_name(question)])

    @staticmethod
    def _field_for(question: Question) -> forms.Field:
        common = {
            "label": question.label,
            "required": question.required,
            "help_text": question.help_text,
        }
        choices = [(c.id, c.label) for c in question.choices.all()]
        if question.kind == QuestionKind.SINGLE:
            return forms.TypedChoiceField(
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Cette question est obligatoire."),
                    "invalid_choice": _("Ce choix n'appartient pas à cette question."),
                },
                **common,
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.TypedMultipleChoiceField(
                choices=choices,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Cochez au moins une réponse."),
                    "invalid_choice": _("Ce choix n'appartient pas à cette question."),
                },
                **common,
            )
        if question.kind == QuestionKind.SCALE:
            scale = [(v, str(v)) for v in range(question.scale_min, question.scale_max + 1)]
            if question.scale_min_label:
                scale[0] = (
                    question.scale_min,
                    f"{question.scale_min} — {question.scale_min_label}",
                )
            if question.scale_max_label:
                scale[-1] = (
                    question.scale_max,
                    f"{question.scale_max} — {question.scale_max_label}",
                )
            return forms.TypedChoiceField(
                choices=scale,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Cette question est obligatoire."),
                    "invalid_choice": _("La valeur doit être comprise entre %(min)s et %(max)s.")
                    % {"min": question.scale_min, "max": question.scale_max},
                },
                **common,
            )
        common["help_text"] = question.help_text or PERSONAL_DATA_WARNING
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=BODY_MAX_LENGTH,
            error_messages={"required": _("Cette question est obligatoire.")},
            **common,
        )

    def stored_answers(self) -> dict[str, object]:
        """What the session keeps for this step: JSON-ready values by question id."""
        stored = {}
        for question in self.questions:
            value = self.cleaned_data.get(question_field_name(question))
            if value in (None, "", []):
                continue
            stored[str(question.id)] = value
        return stored


def answers_payload(questions: list[Question], stored: dict[str, object]) -> list[dict]:
    """The session's answers in the API's shape, for ``response_submit``."""
    payload = []
    for question in questions:
        value = stored.get(str(question.id))
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.SINGLE:
            payload.append({"question": question.id, "choice": value})
        elif question.kind == QuestionKind.MULTIPLE:
            payload.append({"question": question.id, "choices": list(value)})
        elif question.kind == QuestionKind.SCALE:
            payload.append({"question": question.id, "value": value})
        else:
            payload.append({"question": question.id, "text": value})
    return payload
