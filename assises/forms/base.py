"""What every back-office form shares: the DSFR renderer, the base form, a date widget
and a field for several files."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import dsfr
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates

from egts.forms import BaseForm as _DsfrBaseForm


class FormRenderer(DjangoTemplates):
    """Project, django-dsfr and Django widget templates, without "django.forms" installed.

    The project's TemplatesSetting renderer cannot find Django's own widget templates
    unless "django.forms" is in INSTALLED_APPS.
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
                "NAME": "egts-assises-forms",
                "OPTIONS": {},
            }
        )


RENDERER = FormRenderer()


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
