"""Django admin: the national team defines questionnaires here (first version)."""

from django.contrib import admin

from .models import Choice, Contribution, Question, Questionnaire


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("order", "step", "kind", "required"),
        "label",
        "help_text",
        ("scale_min", "scale_max", "scale_min_label", "scale_max_label"),
        "condition_choice",
    ]
    show_change_link = True
    autocomplete_fields = ["condition_choice"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "opens_at", "closes_at"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2
    fields = ["order", "label"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "questionnaire", "step", "order", "kind", "required"]
    list_filter = ["questionnaire", "kind"]
    search_fields = ["label"]
    autocomplete_fields = ["condition_choice"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ["label", "question"]
    search_fields = ["label", "question__label"]
    list_select_related = ["question"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    """Read-mostly: decisions go through the moderation pages so that they are logged."""

    list_display = ["title", "kind", "status", "territory", "actor_category", "submitted_at"]
    list_filter = ["status", "kind", "territory", "source"]
    search_fields = ["title"]
    list_select_related = ["territory"]
    readonly_fields = [
        "status",
        "flags",
        "submitted_at",
        "published_at",
        "moderation_reason",
        "moderation_message",
        "author",
    ]
    exclude = ["search_vector"]
