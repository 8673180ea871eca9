"""The participant's space: "Mes pratiques", export and erasure."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from egts.participant import ERASURES, EXPORTS, SECTIONS
from practices.models import Practice, PracticeAttachment
from tests.factories.egts import UserFactory
from tests.factories.practices import PracticeAttachmentFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def test_section_lists_drafts_with_continue_and_changes_with_the_message():
    author = UserFactory()
    draft = PracticeFactory(draft=True, author=author, current_step=3)
    changes = PracticeFactory(
        changes_requested=True, author=author, moderation_message="Anonymisez le texte."
    )
    rejected = PracticeFactory(rejected=True, author=author, moderation_message="Hors champ.")
    PracticeFactory()  # someone else's

    items = {item.url: item for item in SECTIONS["practices"].items(author)}

    assert len(items) == 3
    d = items[draft.get_absolute_url()]
    assert (d.status, d.status_label, d.extra["edit_label"]) == ("draft", "Brouillon", "Continuer")
    assert d.edit_url == reverse("practices:edit-step", kwargs={"pk": draft.pk, "step": 3})
    c = items[changes.get_absolute_url()]
    assert c.status == "changes_requested"
    assert c.message == "Anonymisez le texte."
    assert c.edit_url == reverse("practices:edit-step", kwargs={"pk": changes.pk, "step": 1})
    r = items[rejected.get_absolute_url()]
    assert (r.reason, r.message, r.edit_url) == ("Hors sujet", "Hors champ.", "")


def test_section_query_count_does_not_grow(django_assert_max_num_queries):
    author = UserFactory()
    PracticeFactory(author=author)
    with django_assert_max_num_queries(1):
        SECTIONS["practices"].items(author)
    PracticeFactory.create_batch(20, author=author)
    with django_assert_max_num_queries(1):
        assert len(SECTIONS["practices"].items(author)) == 21


def test_export_holds_the_private_contact_and_the_attachments():
    author = UserFactory()
    practice = PracticeFactory(author=author, contact_email="moi@exemple.fr")
    PracticeAttachmentFactory(practice=practice, name="annexe.pdf")

    [exported] = EXPORTS["practices"](author)

    assert exported["contact_email"] == "moi@exemple.fr"
    assert exported["attachments"] == [
        {"name": "annexe.pdf", "size": exported["attachments"][0]["size"]}
    ]
    assert exported["status"] == "pending"


def test_erasure_keeps_published_practices_detached_and_deletes_the_rest_with_files(
    django_capture_on_commit_callbacks,
):
    author = UserFactory()
    published = PracticeFactory(published=True, author=author, contact_email="moi@exemple.fr")
    pending = PracticeFactory(author=author)
    attachment = PracticeAttachmentFactory(practice=pending)
    stored = attachment.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        ERASURES["practices"](author)

    published.refresh_from_db()
    assert published.author is None
    assert published.contact_email == ""
    assert list(Practice.objects.all()) == [published]
    assert PracticeAttachment.objects.count() == 0
    assert not default_storage.exists(stored)


def test_demo_seed_is_idempotent():
    from egts import demo as accounts_demo
    from practices import demo

    lines = []
    accounts_demo.seed(log=lines.append)
    demo.seed(log=lines.append)
    demo.seed(log=lines.append)

    assert Practice.objects.published().count() == 6
    assert Practice.objects.pending().count() == 1
    assert Practice.objects.filter(featured=True).count() == 2
    assert lines[-1] == "Pratiques de démonstration : 0 créées."
