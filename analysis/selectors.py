"""What a run reads: the published texts of its scope, and the reads other apps need.

The analysed text of a contribution is its moderated text (``published_body``), never the
raw one. Questionnaire free-text answers count as documents of a run without a theme
(questionnaires have none); they are never quoted nor listed, having no moderation.
"""

from __future__ import annotations

from django.db.models import QuerySet

from contributions.models import Answer, Contribution, QuestionKind
from egts.api_guards import is_id

from .models import AnalysisRun, DocumentKind, Topic


def scope_contributions(*, territory_id: int | None, theme_code: str | None) -> QuerySet:
    queryset = Contribution.objects.published().exclude(published_body="")
    if territory_id is not None:
        queryset = queryset.filter(territory_id=territory_id)
    if theme_code:
        queryset = queryset.filter(themes__code=theme_code)
    return queryset


def scope_answers(*, territory_id: int | None, theme_code: str | None) -> QuerySet:
    if theme_code:
        return Answer.objects.none()
    queryset = Answer.objects.filter(question__kind=QuestionKind.TEXT).exclude(text="")
    if territory_id is not None:
        queryset = queryset.filter(response__territory_id=territory_id)
    return queryset


def run_documents(run: AnalysisRun, kind: str) -> QuerySet:
    """The documents of ``kind`` in the run's scope, as of now."""
    theme_code = run.theme_id
    if kind == DocumentKind.CONTRIBUTION:
        return scope_contributions(territory_id=run.territory_id, theme_code=theme_code)
    if not run.parameters.get("include_answers", True):
        return Answer.objects.none()
    return scope_answers(territory_id=run.territory_id, theme_code=theme_code)


def document_rows(run: AnalysisRun, kind: str, *, first_id: int, last_id: int):
    """(id, text, actor_category, territory_id) of one id range, in id order."""
    queryset = run_documents(run, kind).filter(pk__gte=first_id, pk__lte=last_id).order_by("pk")
    if kind == DocumentKind.CONTRIBUTION:
        return list(queryset.values_list("pk", "published_body", "actor_category", "territory_id"))
    return list(
        queryset.values_list("pk", "text", "response__actor_category", "response__territory_id")
    )


def texts_by_id(kind: str, ids: list[int]) -> dict[int, str]:
    if kind == DocumentKind.CONTRIBUTION:
        rows = Contribution.objects.filter(pk__in=ids).values_list("pk", "published_body")
    else:
        rows = Answer.objects.filter(pk__in=ids).values_list("pk", "text")
    return dict(rows)


def topic_for_contribution_filter(user, value: str) -> Topic | None:
    """The topic named by ``?topic=`` on the contributions list, when the caller may list
    its contributions; None otherwise (the list is then empty, as for an unknown code)."""
    if not is_id(value):
        return None
    topic = Topic.objects.select_related("run").filter(pk=int(value)).first()
    if topic is None or not user.has_perm("analysis.list_topic_contributions", topic.run):
        return None
    return topic


def topic_contributions(topic: Topic) -> QuerySet:
    """The published contributions of a topic (merged topics have handed theirs over)."""
    return Contribution.objects.published().filter(analysis_memberships__topic=topic)
