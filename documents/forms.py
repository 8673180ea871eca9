"""Forms of the documentation centre: they validate, the services act."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egts.forms import BaseForm as DsfrBaseForm
from egts.models import Policy, Territory, Theme
from egts.rules import copil_territory_ids
from egts.uploads import ACCEPTED_LABEL
from practices.forms import UploadInput

from .models import SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH, Document, DocumentKind

NATIONAL = "national"


class DocumentFilterForm(DsfrBaseForm):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Type de document"),
        choices=[("", _("Tous"))] + list(DocumentKind.choices),
        required=False,
    )
    territory = forms.ChoiceField(label=_("Territoire"), required=False)
    theme = forms.ModelChoiceField(
        label=_("Thème"), queryset=Theme.objects.all(), required=False, empty_label=_("Tous")
    )
    policy = forms.ModelChoiceField(
        label=_("Politique sociale"),
        queryset=Policy.objects.all(),
        required=False,
        empty_label=_("Toutes"),
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.territories = {t.slug: t for t in territories}
        self.fields["territory"].choices = [
            ("", _("Tous")),
            (NATIONAL, _("National")),
            *((t.slug, t.name) for t in territories),
        ]

    def filters(self) -> tuple[dict, str]:
        """The list's filters and search text; invalid values are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {}
        if data.get("kind"):
            filters["kind"] = data["kind"]
        for key in ("theme", "policy"):
            if data.get(key) is not None:
                filters[key] = data[key]
        if data.get("territory") == NATIONAL:
            filters["national"] = True
        elif data.get("territory"):
            filters["territory"] = self.territories[data["territory"]]
        return filters, data.get("q") or ""


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
