from django.contrib import admin

from .models import Practice, PracticeAttachment, PracticeShare, PracticeTag


class AttachmentInline(admin.TabularInline):
    model = PracticeAttachment
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_draft", "territory", "featured", "published_at"]
    list_filter = ["status", "is_draft", "featured", "territory"]
    search_fields = ["title", "organisation"]
    raw_id_fields = ["author", "department"]
    readonly_fields = ["flags", "created_at", "updated_at"]
    inlines = [AttachmentInline]


@admin.register(PracticeTag)
class PracticeTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(PracticeShare)
class PracticeShareAdmin(admin.ModelAdmin):
    list_display = ["practice", "territory", "shared_at"]
    raw_id_fields = ["practice", "shared_by"]
