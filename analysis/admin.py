"""Django admin: read-only views for the technical administrator; reviews go through the
back-office pages, so that every edit is logged."""

from django.contrib import admin

from .models import AnalysisRun, Topic, TopicEdit


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "phase", "progress", "documents", "created_at"]
    list_filter = ["status", "territory"]
    readonly_fields = [f.name for f in AnalysisRun._meta.fields if f.name != "model"]
    exclude = ["model"]

    def has_add_permission(self, request):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["label", "run", "size", "documents", "noise"]
    list_select_related = ["run__territory", "run__theme"]
    readonly_fields = [f.name for f in Topic._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(TopicEdit)
class TopicEditAdmin(admin.ModelAdmin):
    list_display = ["action", "topic", "user", "at", "carried_over"]
    list_filter = ["action", "carried_over"]
    readonly_fields = [f.name for f in TopicEdit._meta.fields]

    def has_add_permission(self, request):
        return False
