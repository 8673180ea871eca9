"""Factories of the practices app: drafts, submitted and published practices, attachments."""

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from egts.models import Department, Territory, Theme
from egts.moderation import ModerationStatus
from practices.models import Practice, PracticeAttachment, PracticeShare, PracticeTag

from .egts import UserFactory

# The smallest valid PDF header is enough for the type check; tests that render need no more.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class PracticeFactory(factory.django.DjangoModelFactory):
    """A complete practice waiting for moderation in the territory of its department."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    is_draft = False
    status = ModerationStatus.PENDING
    current_step = 4
    title = factory.Sequence(lambda n: f"Accueil de jour partagé n° {n}")
    summary = "Un accueil sans rendez-vous tenu à deux services pour les familles isolées."
    context = "Les familles monoparentales du quartier ne venaient plus aux permanences."
    people_concerned = "Familles monoparentales, jeunes parents."
    actors = "Centre social, PMI, service social départemental."
    implementation = "Deux matinées par semaine, un binôme travailleur social et animateur."
    results = "Fréquentation doublée en six mois, premières démarches d'accès aux droits."
    transfer_conditions = "Un local neutre et l'accord des deux employeurs."
    organisation = "Centre social des Tilleuls"
    department = factory.LazyFunction(lambda: Department.objects.get(code="13"))
    territory = factory.LazyAttribute(lambda o: o.department.territory if o.department else None)
    author = factory.SubFactory(UserFactory)
    actor_category = "professionnels"
    contact_email = factory.Sequence(lambda n: f"contact{n}@structure.example")
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(is_draft=True, current_step=1)
        published = factory.Trait(
            status=ModerationStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )
        changes_requested = factory.Trait(
            status=ModerationStatus.CHANGES_REQUESTED,
            moderation_message="Précisez les résultats chiffrés.",
        )
        rejected = factory.Trait(status=ModerationStatus.REJECTED, moderation_reason="off_topic")
        national = factory.Trait(department=None, territory=None)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted if extracted is not None else [Theme.objects.get(pk="T1")])

    @factory.post_generation
    def policies(self, create, extracted, **kwargs):
        if create and extracted:
            self.policies.set(extracted)

    @factory.post_generation
    def search_vector(self, create, extracted, **kwargs):
        # The services keep the vector up to date; a factory row must be searchable too.
        if create:
            from practices.services import refresh_search_vectors

            refresh_search_vectors([self.pk])


class PracticeTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeTag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"mot-clé {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PracticeAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeAttachment

    practice = factory.SubFactory(PracticeFactory)
    name = "compte-rendu.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="upload.pdf"))


class PracticeShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeShare

    practice = factory.SubFactory(PracticeFactory, published=True)
    territory = factory.LazyFunction(lambda: Territory.objects.get(slug="grand-est"))
