from django.contrib import admin

from .models import Assise, Hypothesis, Invitation, Proposal, Synthesis, WorkingGroup


@admin.register(Assise)
class AssiseAdmin(admin.ModelAdmin):
    list_display = ["territory", "stage"]


@admin.register(Hypothesis)
class HypothesisAdmin(admin.ModelAdmin):
    list_display = ["statement", "theme", "policy", "is_published"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "scale"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "status", "rank"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "territory", "role", "expires_at", "accepted_at"]
    exclude = ["token_hash"]


@admin.register(Synthesis)
class SynthesisAdmin(admin.ModelAdmin):
    """Read-only: versions are requested and published from the back-office."""

    list_display = ["version", "status", "progress", "created_at", "finished_at", "published"]
    list_filter = ["status", "published"]
    exclude = ["figures", "html"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
