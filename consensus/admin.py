from django.contrib import admin

from .models import Computation, PaperTally, Statement, Vote


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["text", "theme", "territory", "status", "source_type", "submitted_at"]
    list_filter = ["status", "theme", "territory", "source_type"]
    search_fields = ["text"]
    raw_id_fields = ["author"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["statement", "vote", "actor_category", "territory", "created_at"]
    list_filter = ["vote", "actor_category"]
    raw_id_fields = ["statement", "user"]
    # The voter's session hash identifies nobody, but has no use in the admin either.
    exclude = ["session_key"]


@admin.register(PaperTally)
class PaperTallyAdmin(admin.ModelAdmin):
    list_display = ["statement", "territory", "actor_category", "agree", "disagree", "passed"]
    list_filter = ["territory", "actor_category"]
    raw_id_fields = ["statement", "entered_by"]


@admin.register(Computation)
class ComputationAdmin(admin.ModelAdmin):
    list_display = ["scope", "computed_at", "requested_at"]
    readonly_fields = ["computed_at", "requested_at", "groups", "error"]
