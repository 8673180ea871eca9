"""The backup and restore of README.md ("Backups and restore"), run for real.

A private PostgreSQL cluster gets the platform's schema and some content; pg_dump saves
it in the custom format, the content is then lost, and pg_restore --clean brings it back,
with the uploaded files from their tar archive.
"""

import json
import shutil
import subprocess
import tarfile

import pytest

from tests.fixtures.services import AppServer, PrivatePostgres

pytestmark = pytest.mark.faults

CREATE_CONTENT = """
from django.core.files.base import ContentFile
from tests.factories.assises import MeetingFactory
from tests.factories.contributions import ContributionFactory
from assises.models import MeetingDocument
ContributionFactory.create_batch(3, published=True)
meeting = MeetingFactory(minutes="<p>Relevé de décisions</p>")
MeetingDocument.objects.create(
    meeting=meeting, file=ContentFile(b"%PDF-1.4 compte rendu", name="cr.pdf"), name="cr.pdf"
)
"""

LOSE_CONTENT = """
from contributions.models import Contribution
from assises.models import Meeting
Contribution.objects.all().delete()
Meeting.objects.all().delete()
"""

READ_CONTENT = """
import json
from contributions.models import Contribution
from assises.models import Meeting, MeetingDocument
document = MeetingDocument.objects.first()
json.dump({{
    "contributions": Contribution.objects.published().count(),
    "minutes": [m.minutes for m in Meeting.objects.all()],
    "document": document.file.read().decode() if document else None,
}}, open("{out}", "w"))
"""


def _pg(postgres: PrivatePostgres, tool: str) -> list[str]:
    # The server's own version of the tool: pg_dump refuses a newer server.
    return [str(postgres.bin / tool), "-h", "127.0.0.1", "-p", str(postgres.port)]


def test_pg_dump_and_pg_restore_bring_back_the_database_and_the_files(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("backup")
    postgres = PrivatePostgres(workdir)
    postgres.start()
    try:
        app = AppServer(workdir, database_url=postgres.url, redis_url="")
        app.manage("migrate", "--noinput", "-v0")
        app.manage("shell", "-c", CREATE_CONTENT)
        media = workdir / "media"
        dump, archive = workdir / "egts.dump", workdir / "media.tar.gz"

        # Backup, as documented: pg_dump's custom format, and the media folder as a tar.
        with dump.open("wb") as out:
            subprocess.run(
                [*_pg(postgres, "pg_dump"), "-U", "postgres", "-d", "egts"]
                + ["--format=custom", "--no-owner"],
                stdout=out,
                check=True,
            )
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(media, arcname="media")

        # The loss: rows deleted, files gone.
        app.manage("shell", "-c", LOSE_CONTENT)
        shutil.rmtree(media)

        # Restore, as documented.
        with dump.open("rb") as source:
            subprocess.run(
                [*_pg(postgres, "pg_restore"), "-U", "postgres", "-d", "egts"]
                + ["--clean", "--if-exists", "--no-owner", "--single-transaction"],
                stdin=source,
                check=True,
            )
        with tarfile.open(archive) as tar:
            tar.extractall(workdir, filter="data")
        app.manage("migrate", "--noinput", "-v0")  # nothing to do: same code as the dump

        out = workdir / "restored.json"
        app.manage("shell", "-c", READ_CONTENT.format(out=out))
        restored = json.loads(out.read_text())
    finally:
        postgres.remove()

    assert restored == {
        "contributions": 3,
        "minutes": ["<p>Relevé de décisions</p>"],
        "document": "%PDF-1.4 compte rendu",
    }
