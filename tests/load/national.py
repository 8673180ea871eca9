"""Data for the national-scale phase of `make loadtest` (run by tests/load/run.py).

Adds to the load database, by set-based SQL (tests/load/bulk.py) and bulk inserts:
``LOADTEST_NATIONAL_CONTRIBUTIONS`` published contributions (2,000,000), pending ones for
the moderators to publish during the phase, ``LOADTEST_NATIONAL_PRACTICES`` practices
(40,000) and ``LOADTEST_NATIONAL_RESPONSES`` questionnaire responses (200,000). Prints on
its last line the JSON the scenarios read: moderators' tokens (national team), the pending
ids they publish, contribution ids to read.

Usage: python -m tests.load.national MODERATORS
"""

from __future__ import annotations

import json
import os
import sys
import time

import django

CONTRIBUTIONS = int(os.environ.get("LOADTEST_NATIONAL_CONTRIBUTIONS", "2000000"))
PRACTICES = int(os.environ.get("LOADTEST_NATIONAL_PRACTICES", "40000"))
RESPONSES = int(os.environ.get("LOADTEST_NATIONAL_RESPONSES", "200000"))
# Enough pending contributions for the whole phase at the publishing rate.
PENDING = int(os.environ.get("LOADTEST_NATIONAL_PENDING", "20000"))


def _moderators(count: int) -> list[str]:
    from rest_framework.authtoken.models import Token

    from egts.models import User

    tokens = []
    for index in range(count):
        user, _created = User.objects.get_or_create(
            email=f"moderation-{index}@charge.example",
            defaults={"actor_category": "encadrement", "is_national_team": True},
        )
        token, _created = Token.objects.get_or_create(user=user)
        tokens.append(token.key)
    return tokens


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egts.settings")
    django.setup()
    import tests.bench.bench_practices as practices_bench
    from contributions.models import Contribution, Questionnaire
    from egts.moderation import ModerationStatus
    from tests.load.bulk import load_contributions, load_responses

    started = time.monotonic()
    total = CONTRIBUTIONS + PENDING
    load_contributions(total, published_share=CONTRIBUTIONS / total, seed=0.2014)
    practices_bench.PRACTICES = PRACTICES
    practices_bench._load()
    questionnaire = Questionnaire.objects.started().order_by("opens_at").first()
    load_responses(RESPONSES, questionnaire.pk)
    pending = list(
        Contribution.objects.filter(status=ModerationStatus.PENDING)
        .order_by("-id")
        .values_list("pk", flat=True)[:PENDING]
    )
    readable = list(
        Contribution.objects.published().order_by("-id").values_list("pk", flat=True)[:2000]
    )
    moderators = _moderators(int(argv[0]) if argv else 10)
    print(
        f"national data loaded in {time.monotonic() - started:.0f} s: "
        f"{Contribution.objects.published().count():,} published contributions, "
        f"{len(pending):,} pending, practices +{PRACTICES:,}, responses +{RESPONSES:,}",
        file=sys.stderr,
    )
    print(json.dumps({"moderators": moderators, "pending": pending, "contributions": readable}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
