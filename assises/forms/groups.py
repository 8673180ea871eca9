"""Forms of the COPIL's organisation: checkpoints, invitations, working groups, meetings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.models import ActorCategory, Policy, Role, Theme, User
from egts.uploads import MAX_FILES_SIZE, check_file

from ..models import (
    Checkpoint,
    Meeting,
    OutsideParticipant,
    WorkingGroup,
)
from .base import (
    DATE_WIDGET,
    DsfrBaseForm,
    MultipleFileField,
)


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
