"""Factories for the documentation centre."""

import datetime

import factory

from documents.models import Document, DocumentKind, DocumentShare
from documents.services import refresh_search_vectors

from .assises import territory


class DocumentFactory(factory.django.DjangoModelFactory):
    """A public national study reached by a link."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Document {n}")
    kind = DocumentKind.STUDY
    author = "DREES"
    date = datetime.date(2013, 6, 15)
    territory = None
    summary = "Une étude sur les métiers du travail social."
    url = "https://exemple.fr/etude.pdf"
    is_public = True

    class Params:
        private = factory.Trait(is_public=False)
        territorial = factory.Trait(territory=factory.LazyFunction(territory))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        if create:
            refresh_search_vectors([self.pk])


class DocumentShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentShare

    document = factory.SubFactory(DocumentFactory, private=True)
    territory = factory.LazyFunction(lambda: territory("sud-ouest"))
