"""Forms of the site shell and of the participant's account, rendered with DSFR, and what
every app's forms share: the base form, the widget renderer and the honeypot."""

from functools import cached_property
from pathlib import Path

import dsfr
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .input import CheckedInputMixin
from .models import Department, Territory, User


class BaseForm(CheckedInputMixin, DsfrBaseForm):
    """The base of every form of the platform: DSFR rendering, and no field takes a control
    character (egts/input.py)."""


class FormRenderer(DjangoTemplates):
    """The project's templates (they correct some of django-dsfr's markup), django-dsfr's,
    then Django's own widget templates.

    The project's TemplatesSetting renderer cannot find Django's own widget templates
    unless "django.forms" is in INSTALLED_APPS; forms with such widgets use this one.
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
                "NAME": "egts-forms",
                "OPTIONS": {},
            }
        )


RENDERER = FormRenderer()

HONEYPOT_FIELD = "website"


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS) and robots fill in."""

    website = forms.CharField(
        label=_("Site web (laissez ce champ vide)"),
        required=False,
        template_name="partials/honeypot_field.html",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        # The field is invisible, so its error is shown at the top of the form.
        if data.get("website"):
            self.add_error(None, _("Votre envoi n'a pas pu être accepté."))
        return data


class TerritoryForm(BaseForm, forms.ModelForm):
    """What the national team may change about a territory: its lens, its dates, its place."""

    class Meta:
        model = Territory
        fields = [
            "theme",
            "policy",
            "theme_is_placeholder",
            "work_starts_on",
            "assises_date",
            "dates_note",
            "place",
        ]
        widgets = {
            "work_starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "assises_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        starts = cleaned.get("work_starts_on")
        assises = cleaned.get("assises_date")
        if starts and assises and assises < starts:
            self.add_error(
                "assises_date",
                _("Les assises ne peuvent pas avoir lieu avant le début des travaux."),
            )
        return cleaned


class ProfileForm(BaseForm, forms.ModelForm):
    """The participant's own description: everything optional, nothing public but the category."""

    department = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("Sélectionner un département"),
    )

    class Meta:
        model = User
        fields = ["display_name", "actor_category", "department", "organisation"]
        labels = {
            "display_name": _("Nom affiché"),
            "actor_category": _("Catégorie d'acteur"),
            "organisation": _("Organisme"),
        }
        help_texts = {
            "display_name": _(
                "Facultatif. Un prénom ou un pseudonyme suffit ; il n'est jamais publié."
            ),
            "actor_category": _("Seule cette information accompagne vos contributions publiées."),
            "organisation": _("Facultatif. Structure, service ou association."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor_category"].choices = [
            ("", _("Sélectionner une catégorie")),
            *self.fields["actor_category"].choices[1:],
        ]


class AccountDeleteForm(BaseForm):
    """Deleting an account is final: the participant confirms with their password."""

    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression de mon compte est définitive."),
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Le mot de passe est incorrect."), code="invalid")
        return password
