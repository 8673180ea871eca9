"""API shapes of statements, votes, results and paper tallies; every field named."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from egts.models import ActorCategory, Policy, Territory, Theme
from egts.moderation import RejectReason

from .models import TEXT_MAX_LENGTH, TEXT_MIN_LENGTH, Statement, StatementSource, VoteChoice


class CodeRelatedField(serializers.SlugRelatedField):
    """A reference object by its stable code, with a French message for an unknown one."""

    default_error_messages = {
        "does_not_exist": _("Code inconnu : {value}."),
        "invalid": _("Code invalide."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data or len(data) > 80:  # PostgreSQL refuses NUL; no code is that long
            self.fail("does_not_exist", value=data.replace("\x00", "")[:20])
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", value=data[:20])


class StatementModerationSerializer(serializers.Serializer):
    """As for contributions (shared/API.md); a statement has no edited text."""

    decision = serializers.ChoiceField(choices=[("publish", "publish"), ("reject", "reject")])
    reason = serializers.ChoiceField(choices=RejectReason.choices, required=False, allow_blank=True)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SourceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=StatementSource.choices)
    id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)


class StatementSerializer(serializers.ModelSerializer):
    """A published statement, as anyone sees it: never its author."""

    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    policy = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    source = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = ["id", "text", "theme", "policy", "territory", "source", "published_at"]
        read_only_fields = fields

    def get_source(self, statement) -> SourceSerializer:
        return {"type": statement.source_type, "id": statement.source_id}


class StatementQueueSerializer(StatementSerializer):
    """For moderators: the status and the automatic flags too."""

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "status", "flags", "submitted_at"]
        read_only_fields = fields


class StatementCreateSerializer(serializers.Serializer):
    text = serializers.CharField(min_length=TEXT_MIN_LENGTH, max_length=TEXT_MAX_LENGTH)
    theme = CodeRelatedField(slug_field="code", queryset=Theme.objects.all())
    policy = CodeRelatedField(
        slug_field="code", queryset=Policy.objects.all(), required=False, allow_null=True
    )
    territory = CodeRelatedField(
        slug_field="slug", queryset=Territory.objects.all(), required=False, allow_null=True
    )
    source = SourceSerializer(required=False, allow_null=True)


class StatementCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    text = serializers.CharField()
    source = SourceSerializer()


class VoteSerializer(serializers.Serializer):
    vote = serializers.ChoiceField(
        choices=VoteChoice.choices,
        error_messages={"invalid_choice": _("Vote inconnu : choisissez agree, disagree ou pass.")},
    )
    actor_category = serializers.ChoiceField(
        choices=ActorCategory.choices,
        required=False,
        error_messages={"invalid_choice": _("Catégorie d'acteur inconnue.")},
        help_text="Facultative pour un compte dont le profil indique sa catégorie.",
    )


class VoteResultSerializer(serializers.Serializer):
    statement = serializers.IntegerField()
    vote = serializers.CharField()
    actor_category = serializers.CharField()


class VoteCountsSerializer(serializers.Serializer):
    agree = serializers.IntegerField(allow_null=True)
    disagree = serializers.IntegerField(allow_null=True)
    # "pass" is a Python keyword: declared below.


VoteCountsSerializer._declared_fields["pass"] = serializers.IntegerField(allow_null=True)


class StatementResultSerializer(serializers.Serializer):
    votes = serializers.IntegerField(allow_null=True)
    overall = VoteCountsSerializer()
    by_actor_category = serializers.DictField(child=VoteCountsSerializer(allow_null=True))
    paper_votes = serializers.IntegerField(allow_null=True, required=False)
    consensus = serializers.ChoiceField(choices=["agree", "disagree"], allow_null=True)
    divisive = serializers.BooleanField()
    far_apart = serializers.ListField(child=serializers.CharField())
    computed_at = serializers.DateTimeField(allow_null=True)


class GroupStatementSerializer(serializers.Serializer):
    statement = serializers.IntegerField()
    agree_share = serializers.FloatField(allow_null=True)


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    size = serializers.IntegerField(allow_null=True)
    by_actor_category = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    statements = GroupStatementSerializer(many=True)


class ConsensusSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True)
    consensus = serializers.ListField(child=serializers.IntegerField())
    divisive = serializers.ListField(child=serializers.IntegerField())
    groups = GroupSerializer(many=True)


class RefreshSerializer(serializers.Serializer):
    territory = CodeRelatedField(
        slug_field="slug", queryset=Territory.objects.all(), required=False, allow_null=True
    )


class RefreshQueuedSerializer(serializers.Serializer):
    scope = serializers.CharField()
    requested_at = serializers.DateTimeField()
    computed_at = serializers.DateTimeField(allow_null=True)


class PaperTallyLineSerializer(serializers.Serializer):
    """One line as JSON; the service checks it, as it checks a CSV line."""

    statement = serializers.IntegerField()
    actor_category = serializers.CharField()
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    held_on = serializers.DateField()


PaperTallyLineSerializer._declared_fields["pass"] = serializers.IntegerField()


class PaperTallySavedSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
