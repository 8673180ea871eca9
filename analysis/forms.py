"""Back-office forms of the analysis: they validate, services act."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from egts.models import Territory, Theme
from egts.rules import copil_territory_ids

from .models import Topic
from .services.edits import LABEL_MAX_LENGTH, LABEL_MIN_LENGTH


class RunRequestForm(DsfrBaseForm):
    """The scope of a new run: the national team chooses any, a COPIL member their territory."""

    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("Tous les territoires (et les contributions nationales)"),
    )
    theme = forms.ModelChoiceField(
        label=_("Thème (facultatif)"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("Tous les thèmes"),
        help_text=_("Pour ne lire que les contributions d'un thème transverse."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        if user.is_national_team:
            field.queryset = Territory.objects.order_by("order", "name")
        else:
            field.queryset = Territory.objects.filter(pk__in=copil_territory_ids(user)).order_by(
                "order", "name"
            )
            field.required = True
            field.empty_label = _("Choisir un territoire")
            field.help_text = _("Vous pouvez analyser les textes de votre territoire.")


class TopicRenameForm(DsfrBaseForm):
    label = forms.CharField(
        label=_("Nouvel intitulé"),
        min_length=LABEL_MIN_LENGTH,
        max_length=LABEL_MAX_LENGTH,
        help_text=_("Une expression claire, en français, de %(min)d à %(max)d caractères.")
        % {"min": LABEL_MIN_LENGTH, "max": LABEL_MAX_LENGTH},
        error_messages={
            "min_length": _("L'intitulé doit compter au moins %(n)d caractères.")
            % {"n": LABEL_MIN_LENGTH},
            "max_length": _("L'intitulé ne peut dépasser %(n)d caractères.")
            % {"n": LABEL_MAX_LENGTH},
        },
    )


class TopicMergeForm(DsfrBaseForm):
    into = forms.ModelChoiceField(
        label=_("Fusionner ce thème dans"),
        queryset=Topic.objects.none(),
        empty_label=_("Choisir le thème qui l'accueille"),
        help_text=_("Ses textes et ses citations épinglées rejoignent le thème choisi."),
    )

    def __init__(self, *args, topic: Topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Topic.objects.filter(run_id=topic.run_id).listed().exclude(pk=topic.pk)
        )
        self.fields["into"].label_from_instance = lambda t: f"{t.label} ({t.size})"
