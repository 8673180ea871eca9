from __future__ import annotations

import copy

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from egts import reference
from egts.models import ActorCategory, Department, Policy, Theme
from egts.moderation import Decision, ModerationStatus, RejectReason

from . import similar
from .models import (
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    Contribution,
    ContributionKind,
    ContributionSource,
    Question,
    Questionnaire,
)


class CodeRelatedField(serializers.SlugRelatedField):
    """A reference object by its stable code, with a French message for an unknown one.

    With ``table`` (one of egts.reference's lookups) the code is checked in memory, not
    in the database; ``queryset`` still tells the API schema what the field holds.
    """

    default_error_messages = {
        "does_not_exist": _("Code inconnu : {value}."),
        "invalid": _("Code invalide."),
    }

    def __init__(self, *, table=None, **kwargs):
        self.table = table
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        # A serializer copies its declared fields for every request. The queryset is never
        # evaluated in place (get_queryset() takes .all() of it), so the copy shares it
        # rather than cloning its query each time: that cloning was a fifth of a submission.
        queryset = self._kwargs.get("queryset")
        if queryset is not None:
            memo[id(queryset)] = queryset
        return super().__deepcopy__(memo)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data or len(data) > 20:  # no code is that long; PostgreSQL refuses NUL
            self.fail("does_not_exist", value=data.replace("\x00", "")[:20])
        if self.table is not None:
            found = self.table().get(data)
            if found is None:
                self.fail("does_not_exist", value=data)
            return found
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except (TypeError, ValueError):
            self.fail("invalid")
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", value=str(data)[:20])


class ContributionSerializer(serializers.ModelSerializer):
    """What the public sees: the moderated text, the actor category, never the author."""

    body = serializers.CharField(source="public_body", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    policies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    # None for a national contribution (no department).
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    department = serializers.CharField(source="department_id", read_only=True, allow_null=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "themes",
            "policies",
            "territory",
            "department",
            "actor_category",
            "source",
            "published_at",
        ]
        read_only_fields = fields


class ContributionDetailSerializer(ContributionSerializer):
    """The item; ``status`` only for its author and its moderators."""

    # Not read-only: drf-spectacular makes every read-only field required, and this one is
    # left out for the public. The serializer only ever reads.
    status = serializers.ChoiceField(
        choices=ModerationStatus.choices,
        required=False,
        help_text="Pour l'auteur, les modérateurs de son territoire et l'équipe nationale.",
    )

    class Meta(ContributionSerializer.Meta):
        fields = [*ContributionSerializer.Meta.fields, "status"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_status"):
            data.pop("status", None)
        return data


class ModerationInfoSerializer(serializers.Serializer):
    reason = serializers.CharField()
    message = serializers.CharField()


class MyContributionSerializer(ContributionSerializer):
    body = serializers.CharField(read_only=True)
    published_body = serializers.CharField(read_only=True)
    moderation = serializers.SerializerMethodField()

    class Meta(ContributionSerializer.Meta):
        fields = [
            *ContributionSerializer.Meta.fields,
            "published_body",
            "status",
            "submitted_at",
            "moderation",
        ]
        read_only_fields = fields

    def get_moderation(self, contribution) -> ModerationInfoSerializer(allow_null=True):  # type: ignore[valid-type]
        if contribution.status != "rejected":
            return None
        return {
            "reason": contribution.moderation_reason,
            "message": contribution.moderation_message,
        }


class SubmissionSerializer(serializers.Serializer):
    """An input serializer of a submission path: its fields are shallow copies.

    DRF deep-copies the declared fields for every serializer, running each field's
    __init__ again: for a submission, that was a quarter of what it costs beyond a bare
    view. The fields declared on these serializers hold nothing of a request (they check
    a value against their own arguments; binding sets the name and parent on the copy),
    so a shallow copy serves as well. Declare here no field that reads the request or
    the context.
    """

    def get_fields(self):
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class ContributionCreateSerializer(SubmissionSerializer):
    kind = serializers.ChoiceField(choices=ContributionKind.choices)
    title = serializers.CharField(min_length=TITLE_MIN_LENGTH, max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(min_length=BODY_MIN_LENGTH, max_length=BODY_MAX_LENGTH)
    themes = CodeRelatedField(
        slug_field="code", queryset=Theme.objects.all(), table=reference.themes, many=True
    )
    policies = CodeRelatedField(
        slug_field="code",
        queryset=Policy.objects.all(),
        table=reference.policies,
        many=True,
        required=False,
    )
    department = CodeRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        table=reference.departments,
        required=False,
        allow_null=True,
    )
    actor_category = serializers.ChoiceField(choices=ActorCategory.choices)

    def validate_themes(self, value):
        if not value:
            raise serializers.ValidationError(_("Choisissez au moins un thème."))
        return value


# The contribution just received. Its fields are declared rather than read from the model:
# a ModelSerializer would inspect the model again on every submission.
class ContributionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(
        label=_("Statut"), choices=ModerationStatus.choices, read_only=True
    )
    kind = serializers.ChoiceField(
        label=_("Nature"), choices=ContributionKind.choices, read_only=True
    )
    title = serializers.CharField(label=_("Titre"), read_only=True)
    body = serializers.CharField(label=_("Texte"), read_only=True)
    themes = serializers.ListField(
        child=serializers.CharField(), source="theme_codes", read_only=True
    )
    policies = serializers.ListField(
        child=serializers.CharField(), source="policy_codes", read_only=True
    )
    # None for a national contribution (no department).
    territory = serializers.CharField(
        label=_("Identifiant"), source="territory.slug", read_only=True, allow_null=True
    )
    department = serializers.CharField(source="department_id", read_only=True, allow_null=True)
    actor_category = serializers.ChoiceField(
        label=_("Catégorie d'acteur"), choices=ActorCategory.choices, read_only=True
    )
    source = serializers.ChoiceField(
        label=_("Origine"), choices=ContributionSource.choices, read_only=True
    )
    flags = serializers.JSONField(label=_("Signalements automatiques"), read_only=True)
    submitted_at = serializers.DateTimeField(label=_("Soumise le"), read_only=True)


_SUBMITTED_AT = serializers.DateTimeField()


def contribution_created(contribution: Contribution) -> dict:
    """What ContributionCreatedSerializer gives for ``contribution``, built directly.

    A serializer copies each of its fields for every instance: for the answer to a
    submission, that was an eighth of the request under load. The serializer still
    describes the answer in the API schema, and a test holds the two equal.
    """
    return {
        "id": contribution.pk,
        "status": str(contribution.status),
        "kind": str(contribution.kind),
        "title": contribution.title,
        "body": contribution.body,
        "themes": list(contribution.theme_codes),
        "policies": list(contribution.policy_codes),
        "territory": contribution.territory.slug if contribution.territory_id else None,
        "department": contribution.department_id,
        "actor_category": str(contribution.actor_category),
        "source": str(contribution.source),
        "flags": contribution.flags,
        "submitted_at": _SUBMITTED_AT.to_representation(contribution.submitted_at),
    }


class ModerationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.ChoiceField(choices=RejectReason.choices, required=False, allow_blank=True)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    published_body = serializers.CharField(
        required=False, allow_null=True, max_length=BODY_MAX_LENGTH
    )


class ModerationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


# --- Questionnaires ---------------------------------------------------------------------


class QuestionnaireSerializer(serializers.ModelSerializer):
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = ["slug", "title", "opens_at", "closes_at", "is_open"]

    def get_is_open(self, questionnaire) -> bool:
        return questionnaire.is_open()


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class ConditionSerializer(serializers.Serializer):
    choice = serializers.IntegerField(help_text="Le choix qui fait apparaître la question.")


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)
    condition = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id",
            "kind",
            "label",
            "help_text",
            "required",
            "step",
            "choices",
            "scale_min",
            "scale_max",
            "condition",
        ]

    def get_condition(self, question) -> ConditionSerializer(allow_null=True):  # type: ignore[valid-type]
        """Show the question only if this choice was picked."""
        if question.condition_choice_id is None:
            return None
        return {"choice": question.condition_choice_id}


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    questions = serializers.SerializerMethodField()

    class Meta(QuestionnaireSerializer.Meta):
        fields = [*QuestionnaireSerializer.Meta.fields, "introduction", "questions"]

    def get_questions(self, questionnaire) -> QuestionSerializer(many=True):  # type: ignore[valid-type]
        return QuestionSerializer(self.context["questions"], many=True).data


class AnswerListField(serializers.ListField):
    """A list of answers, each an object (the API schema says so). What each one holds is
    checked against the questionnaire's questions by services.validate_answers, which also
    refuses an item that is not an object: checking each one here first would only do
    that work twice."""

    def run_child_validation(self, data):
        return list(data)


class ResponseCreateSerializer(SubmissionSerializer):
    actor_category = serializers.ChoiceField(choices=ActorCategory.choices)
    department = CodeRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        table=reference.departments,
        required=False,
        allow_null=True,
    )
    answers = AnswerListField(child=serializers.DictField(), allow_empty=True, max_length=500)


class ResponseCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    questionnaire = serializers.CharField()
    answers = serializers.IntegerField()


# --- Similar contributions (issue 18) -----------------------------------------------------


class SimilarQuerySerializer(serializers.Serializer):
    """``?text=``: what the participant is writing."""

    text = serializers.CharField(
        min_length=similar.MIN_LENGTH,
        max_length=similar.MAX_LENGTH,
        trim_whitespace=True,
        help_text=_("Texte en cours d'écriture (10 à 5 000 caractères)."),
    )


class SimilarItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField()


class SimilarResultsSerializer(serializers.Serializer):
    results = SimilarItemSerializer(many=True)
