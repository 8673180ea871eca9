"""Back-office forms: they validate, services act."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import dsfr
import puremagic
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from contributions.models import (
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    Contribution,
    ContributionKind,
    ContributionSource,
)
from egts.forms import BaseForm as _DsfrBaseForm
from egts.models import ActorCategory, Department, Policy, Role, Theme, User
from egts.moderation import RejectReason
from egts.uploads import MAX_FILES_SIZE, check_file
from practices.models import Practice

from .models import (
    Checkpoint,
    Hypothesis,
    HypothesisReview,
    Meeting,
    OutsideParticipant,
    Proposal,
    Verdict,
    WorkingGroup,
)


class FormRenderer(DjangoTemplates):
    """Project, django-dsfr and Django widget templates, without "django.forms" installed.

    The project's TemplatesSetting renderer cannot find Django's own widget templates
    unless "django.forms" is in INSTALLED_APPS.
    """

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(dsfr.__file__).resolve().parent / "templates",
                    Path(forms.__file__).resolve().parent / "templates",
                ],
                "NAME": "egts-assises-forms",
                "OPTIONS": {},
            }
        )


RENDERER = FormRenderer()


class DsfrBaseForm(_DsfrBaseForm):
    default_renderer = RENDERER


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CheckpointForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["meeting_date", "decisions", "outcome"]
        widgets = {"meeting_date": DATE_WIDGET, "outcome": forms.RadioSelect}


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(label=_("Adresse électronique de la personne invitée"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (Role.COPIL_MEMBER, Role.COPIL_MEMBER.label),
            (Role.FACILITATOR, Role.FACILITATOR.label),
        ],
    )


class AccountForInvitationForm(DsfrBaseForm):
    password1 = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Confirmation du mot de passe"), widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            try:
                validate_password(p1, User(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class WorkingGroupForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["name", "theme", "policy", "scale", "facilitator", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who already have a role in the territory can lead or join a group.
        self.fields["facilitator"].queryset = people
        self.fields["members"].queryset = people
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["policy"].queryset = Policy.objects.all()


class OutsideParticipantForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = OutsideParticipant
        fields = ["name", "organisation", "actor_category"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class MeetingForm(DsfrBaseForm, forms.ModelForm):
    documents = MultipleFileField(
        label=_("Documents joints"),
        required=False,
        help_text=_("PDF, ODT, DOCX, PNG ou JPEG, 10 Mo au plus chacun et 30 Mo en tout."),
    )

    class Meta:
        model = Meeting
        fields = ["date", "place", "agenda", "minutes"]
        widgets = {"date": DATE_WIDGET}
        help_texts = {
            "minutes": _(
                "Mise en forme simple acceptée (gras, listes, liens). "
                "N'indiquez pas de données de santé ni d'informations permettant "
                "d'identifier une personne accompagnée."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        initial = (self.instance.attendance or {}) if self.instance else {}
        for code, label in ActorCategory.choices:
            self.fields[f"attendance_{code}"] = forms.IntegerField(
                label=_("Présents : %(category)s") % {"category": label},
                min_value=0,
                max_value=10000,
                required=False,
                initial=initial.get(code, 0),
            )
        # Files last: a body over the limit is read up to its first file only
        # (egts/uploads.py), so every typed field comes before it.
        self.fields["documents"] = self.fields.pop("documents")

    def clean_documents(self):
        files = self.cleaned_data.get("documents") or []
        errors = []
        for uploaded in files:
            try:
                check_file(uploaded)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if sum(uploaded.size or 0 for uploaded in files) > MAX_FILES_SIZE:
            errors.append(
                _("Vos fichiers dépassent 30 Mo à eux tous : envoyez-les en plusieurs fois.")
            )
        if errors:
            raise forms.ValidationError(errors)
        return files

    def attendance(self) -> dict[str, int]:
        return {
            code: self.cleaned_data.get(f"attendance_{code}") or 0 for code in ActorCategory.values
        }


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


class OfflineContributionForm(DsfrBaseForm):
    """A contribution collected offline; also validates each line of a CSV import."""

    source = forms.ChoiceField(
        label=_("Mode de recueil"),
        choices=[
            (value, label)
            for value, label in ContributionSource.choices
            if value != ContributionSource.ONLINE
        ],
    )
    collected_on = forms.DateField(
        label=_("Date du recueil"),
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    place = forms.CharField(label=_("Lieu du recueil"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature"), choices=ContributionKind.choices)
    title = forms.CharField(
        label=_("Titre"), min_length=TITLE_MIN_LENGTH, max_length=TITLE_MAX_LENGTH
    )
    body = forms.CharField(
        label=_("Texte"),
        min_length=BODY_MIN_LENGTH,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_(
            "Reprenez les propos sans nom, ni donnée de santé, ni information permettant "
            "d'identifier une personne."
        ),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes transverses"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Code de thème inconnu : « %(value)s ».")},
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("Politiques sociales"),
        queryset=Policy.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Code de politique inconnu : « %(value)s ».")},
    )
    department = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Department.objects.none(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Ce département n'est pas dans le territoire.")},
    )
    actor_category = forms.ChoiceField(
        label=_("Catégorie d'acteur des participants"), choices=ActorCategory.choices
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            region__territory=territory
        ).order_by("code")


class OfflineImportForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("UTF-8, séparateur point-virgule ou virgule, 2 Mo au plus."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        head = uploaded.read(4096)
        uploaded.seek(0)
        kind = _binary_kind(head)
        if kind is not None:
            raise forms.ValidationError(
                _(
                    "Ce fichier n'est pas un fichier CSV (c'est un fichier %(kind)s). Dans votre "
                    "tableur, enregistrez le tableau au format « CSV » puis importez ce fichier."
                )
                % {"kind": kind}
            )
        return uploaded


def _binary_kind(head: bytes) -> str | None:
    """What a file that is not text is, as its extension ("PDF", "XLSX"), or None for text."""
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    for match in matches:  # best first; a UTF-8 BOM alone matches with no MIME type
        if match.mime_type and not match.mime_type.startswith("text/"):
            return match.extension.lstrip(".").upper() or _("binaire")
    return _("binaire") if b"\x00" in head else None


class BulkModerationForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label=_("Décision pour la sélection"),
        choices=[("publish", _("Publier")), ("reject", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", _("— Choisir un motif —")), *RejectReason.choices],
        required=False,
    )
    message = forms.CharField(
        label=_("Message aux auteurs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus : il est envoyé par courriel à chaque auteur."),
    )
