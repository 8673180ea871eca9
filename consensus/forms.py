"""The voting page's forms: the voter's actor category, and one vote."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.forms import BaseForm
from egts.models import ActorCategory

from .models import VoteChoice


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, as the questionnaire's) and robots fill in."""

    website = forms.CharField(
        label=_("Site web (laissez ce champ vide)"),
        required=False,
        template_name="contributions/honeypot_field.html",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("website"):
            self.add_error(None, _("Votre envoi n'a pas pu être accepté."))
        return data


class ActorCategoryForm(HoneypotMixin, BaseForm):
    actor_category = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=ActorCategory.choices,
        widget=forms.RadioSelect,
        help_text=_("Vos votes sont comptés par catégorie d'acteur, jamais en votre nom."),
        error_messages={"required": _("Choisissez la catégorie qui vous décrit le mieux.")},
    )


class VoteForm(HoneypotMixin, BaseForm):
    """The vote comes from the button pressed (name="vote"): no JavaScript needed."""

    vote = forms.ChoiceField(
        choices=VoteChoice.choices,
        error_messages={
            "required": _("Choisissez « D'accord », « Pas d'accord » ou « Je passe »."),
            "invalid_choice": _("Choisissez « D'accord », « Pas d'accord » ou « Je passe »."),
        },
    )
