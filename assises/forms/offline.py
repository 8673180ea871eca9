"""Forms of the moderation desk: offline contributions, their import, bulk decisions."""

from __future__ import annotations

import puremagic
from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.models import (
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    ContributionKind,
    ContributionSource,
)
from egts.models import ActorCategory, Department, Policy, Theme
from egts.moderation import RejectReason

from .base import (
    DATE_WIDGET,
    DsfrBaseForm,
)


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
