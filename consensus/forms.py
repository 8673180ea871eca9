"""The voting page's forms: the voter's actor category, and one vote."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.forms import BaseForm, HoneypotMixin
from egts.models import ActorCategory

from .models import VoteChoice


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
