"""Data at scale for `make loadtest`, run by tests/load/run.py after migrate and seed_demo.

Loads published contributions and practices in bulk (so the list, the search and the
practice pages answer over a realistic table), creates one signed-in participant per
virtual user with an API token, and prints on its last line the JSON that the locust
scenarios read: tokens, practice ids, the questionnaire's slug and its questions.

Usage: python -m tests.load.prepare USERS  (environment: LOAD_CONTRIBUTIONS, 20,000;
LOAD_PRACTICES, 5,000).
"""

from __future__ import annotations

import json
import os
import random
import sys

import django

CONTRIBUTIONS = int(os.environ.get("LOAD_CONTRIBUTIONS", "20000"))
PRACTICES = int(os.environ.get("LOAD_PRACTICES", "5000"))

WORDS = (
    "accueil logement insertion famille parentalité jeunes aidants hébergement accès droits "
    "coordination formation bénévoles quartier santé emploi handicap autonomie médiation "
    "enfance usagers permanence référent parcours partenariat évaluation"
).split()


def _contributions(rng: random.Random) -> None:
    from django.utils import timezone

    from contributions.models import Contribution, ContributionKind
    from contributions.services import refresh_search_vectors
    from egts.models import ActorCategory, Department, Policy, Theme
    from egts.moderation import ModerationStatus

    departments = list(Department.objects.select_related("region"))
    themes = list(Theme.objects.all())
    policies = list(Policy.objects.all())
    kinds = [choice for choice, _label in ContributionKind.choices]
    categories = [choice for choice, _label in ActorCategory.choices]
    now = timezone.now()

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    rows = []
    for index in range(CONTRIBUTIONS):
        department = rng.choice(departments)
        body = sentence(40)
        rows.append(
            Contribution(
                kind=rng.choice(kinds),
                title=f"{sentence(6)[:-1]} n° {index}",
                body=body,
                published_body=body,
                department=department,
                territory_id=department.region.territory_id,
                actor_category=rng.choice(categories),
                status=ModerationStatus.PUBLISHED,
                submitted_at=now,
                published_at=now - timezone.timedelta(minutes=index),
            )
        )
    created = Contribution.objects.bulk_create(rows, batch_size=2_000)
    theme_links = Contribution.themes.through
    policy_links = Contribution.policies.through
    theme_links.objects.bulk_create(
        [theme_links(contribution_id=c.pk, theme_id=rng.choice(themes).pk) for c in created],
        batch_size=5_000,
    )
    policy_links.objects.bulk_create(
        [policy_links(contribution_id=c.pk, policy_id=rng.choice(policies).pk) for c in created],
        batch_size=5_000,
    )
    refresh_search_vectors(c.pk for c in created)


def _participants(users: int) -> list[str]:
    from rest_framework.authtoken.models import Token

    from egts.models import ActorCategory, Department, User

    department = Department.objects.get(code="13")
    tokens = []
    for index in range(users):
        user, _created = User.objects.get_or_create(
            email=f"charge.{index}@egts.example",
            defaults={
                "display_name": f"Participant {index}",
                "actor_category": ActorCategory.PROFESSIONNELS,
                "department": department,
            },
        )
        token, _created = Token.objects.get_or_create(user=user)
        tokens.append(token.key)
    return tokens


def _questionnaire() -> tuple[str, list[dict]]:
    from contributions.models import Questionnaire

    questionnaire = Questionnaire.objects.open().order_by("pk").first()
    questions = [
        {
            "id": question.pk,
            "kind": question.kind,
            # Conditional questions are left out: their answer is ignored unless the
            # condition holds, and random answers would rarely meet it.
            "choices": [choice.pk for choice in question.choices.all()],
            "scale_min": question.scale_min,
            "scale_max": question.scale_max,
        }
        for question in questionnaire.questions.filter(condition_choice__isnull=True)
        .prefetch_related("choices")
        .order_by("step", "order", "pk")
    ]
    return questionnaire.slug, questions


def _statements(count: int = 300) -> list[int]:
    """Published statements to vote on, one theme after another."""
    from django.utils import timezone

    from consensus.models import Statement
    from egts.models import Theme

    themes = list(Theme.objects.all())
    now = timezone.now()
    Statement.objects.bulk_create(
        Statement(
            text=f"Énoncé numéro {n} soumis au vote pendant le test de charge.",
            theme=themes[n % len(themes)],
            status="published",
            submitted_at=now,
            published_at=now,
        )
        for n in range(count)
    )
    return list(Statement.objects.published().values_list("pk", flat=True))


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egts.settings")
    django.setup()
    from django.db import connection

    import tests.bench.bench_practices as practices_bench
    from egts.load_probe import ensure_table
    from practices.models import Practice

    ensure_table()
    users = int(argv[0]) if argv else 50
    rng = random.Random(2014)  # noqa: S311 — reproducible data, not security
    _contributions(rng)
    practices_bench.PRACTICES = PRACTICES
    practices_bench._load()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE contributions_contribution")
    tokens = _participants(users)
    slug, questions = _questionnaire()
    statement_ids = _statements()
    practice_ids = list(
        Practice.objects.published().order_by("-published_at").values_list("pk", flat=True)[:500]
    )
    print(
        f"loaded {CONTRIBUTIONS:,} contributions, {PRACTICES:,} practices, {users} accounts",
        file=sys.stderr,
    )
    # The practices were bulk-created, not published through the services: render their
    # pages as a deploy does (stderr, since the last line of stdout is the JSON).
    from django.core.management import call_command

    call_command("warm_public_pages", stdout=sys.stderr)
    print(
        json.dumps(
            {
                "tokens": tokens,
                "practice_ids": practice_ids,
                "statement_ids": statement_ids,
                "questionnaire": slug,
                "questions": questions,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
