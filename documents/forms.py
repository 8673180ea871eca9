"""Forms of the documentation centre: they validate, the services act."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.forms import BaseForm as DsfrBaseForm
from egts.models import Territory
from egts.rules import copil_territory_ids
from egts.uploads import ACCEPTED_LABEL
from practices.forms import UploadInput

from .models import SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH, Document


class DocumentForm(DsfrBaseForm, forms.ModelForm):
    file_upload = forms.FileField(
        label=_("Fichier"),
        required=False,
        allow_empty_file=True,
        widget=UploadInput,
        help_text=_("%(types)s ; 10 Mo au plus. Ou indiquez un lien ci-dessus.")
        % {"types": ACCEPTED_LABEL},
    )

    class Meta:
        model = Document
        fields = [
            "title",
            "kind",
            "author",
            "date",
            "territory",
            "themes",
            "policies",
            "summary",
            "url",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "themes": forms.CheckboxSelectMultiple,
            "policies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].max_length = TITLE_MAX_LENGTH
        self.fields["summary"].max_length = SUMMARY_MAX_LENGTH
        territories = Territory.objects.order_by("order", "name")
        if user.is_national_team:
            self.fields["territory"].empty_label = _("National")
        else:
            territories = territories.filter(pk__in=copil_territory_ids(user))
            self.fields["territory"].required = True
            self.fields["territory"].empty_label = None
        self.fields["territory"].queryset = territories


class ShareForm(DsfrBaseForm):
    territories = forms.ModelMultipleChoiceField(
        label=_("Territoires destinataires"),
        queryset=Territory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un territoire.")},
    )

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Territory.objects.order_by("order", "name")
        if document.territory_id:
            queryset = queryset.exclude(pk=document.territory_id)
        self.fields["territories"].queryset = queryset
