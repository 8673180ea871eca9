"""Django admin for the technical administrator: accounts and reference data, never moderation."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .input import CheckedInputMixin
from .models import Department, Membership, Policy, Region, Stage, Territory, Theme, User
from .moderation import ModerationDecision


class EmailUserChangeForm(CheckedInputMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class EmailUserCreationForm(CheckedInputMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["territory"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The stock UserAdmin keyed on the e-mail address: this project has no username."""

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "actor_category", "is_national_team", "is_staff"]
    list_filter = ["is_national_team", "is_staff", "is_superuser", "is_active", "actor_category"]
    search_fields = ["email", "display_name", "organisation"]
    autocomplete_fields = ["department"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profil"),
            {"fields": ("display_name", "actor_category", "department", "organisation")},
        ),
        (
            _("Rôles"),
            {
                "fields": (
                    "is_national_team",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "role", "created_at"]
    list_filter = ["role", "territory"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user", "territory"]
    list_select_related = ["user", "territory"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "wave", "overseas", "theme", "policy", "theme_is_placeholder"]
    list_filter = ["wave", "overseas", "theme_is_placeholder"]
    search_fields = ["name", "slug", "code"]
    list_select_related = ["theme", "policy"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capital", "territory", "overseas"]
    list_filter = ["territory", "overseas"]
    search_fields = ["code", "name"]
    list_select_related = ["territory"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region__territory"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order"]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order", "starts", "ends"]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    """The log is evidence: the technical administrator reads it and never rewrites it."""

    list_display = ["decided_at", "decision", "item_title", "territory", "decided_by", "reason"]
    list_filter = ["decision", "reason", "territory"]
    search_fields = ["item_title", "message"]
    list_select_related = ["territory", "decided_by"]
    date_hierarchy = "decided_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
