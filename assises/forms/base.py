"""What every back-office form shares: the DSFR renderer, the base form, a date widget
and a field for several files."""

from __future__ import annotations

from django import forms

from egts.forms import RENDERER
from egts.forms import BaseForm as _DsfrBaseForm


class DsfrBaseForm(_DsfrBaseForm):
    default_renderer = RENDERER


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
