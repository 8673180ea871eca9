"""The consensus pages' forms: the voter's actor category, one vote, a new statement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.forms import BaseForm, HoneypotMixin
from egts.models import ActorCategory, Policy, Territory, Theme

from .models import LINKED_SOURCES, TEXT_MAX_LENGTH, TEXT_MIN_LENGTH, VoteChoice


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


class StatementForm(HoneypotMixin, BaseForm):
    """A new statement: written by the national team or a COPIL (published at once for their
    scope), or proposed by a participant (moderated). ``source`` and ``source_id`` keep the
    hypothesis, proposal or topic it was drawn from."""

    text = forms.CharField(
        label=_("Énoncé"),
        min_length=TEXT_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Une phrase courte et claire, sur laquelle chacun peut dire s'il est d'accord "
            "ou non. De %(min)s à %(max)s caractères."
        )
        % {"min": TEXT_MIN_LENGTH, "max": TEXT_MAX_LENGTH},
        error_messages={
            "required": _("Écrivez l'énoncé."),
            "min_length": _("L'énoncé doit compter au moins %(limit_value)d caractères."),
            "max_length": _("L'énoncé ne peut dépasser %(limit_value)d caractères."),
        },
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Theme.objects.all(),
        empty_label=_("Choisissez un thème"),
        error_messages={"required": _("Choisissez le thème de l'énoncé.")},
    )
    policy = forms.ModelChoiceField(
        label=_("Politique sociale (facultatif)"),
        queryset=Policy.objects.all(),
        required=False,
        empty_label=_("Aucune en particulier"),
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire (facultatif)"),
        queryset=Territory.objects.all(),
        required=False,
        empty_label=_("National"),
        help_text=_("Un énoncé proposé pour un territoire est relu par son COPIL."),
    )
    source = forms.ChoiceField(
        choices=[("", "")] + [(s.value, s.label) for s in LINKED_SOURCES],
        required=False,
        widget=forms.HiddenInput,
    )
    source_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
