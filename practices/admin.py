from django.contrib import admin

from .models import Practice, PracticeAttachment, PracticeShare, PracticeTag
from .pages import practice_pages_changed, practice_pages_deleted


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

    # The admin edits rows directly: the cached public page must follow, as with the services.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        practice_pages_changed([form.instance])

    def delete_model(self, request, obj):
        practice_pages_deleted([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        practice_pages_deleted(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)


@admin.register(PracticeTag)
class PracticeTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    # A tag's name shows on the page of every practice that has it.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        practice_pages_changed(obj.practices.all())

    def delete_model(self, request, obj):
        practice_pages_changed(obj.practices.all())
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        practice_pages_changed(Practice.objects.filter(tags__in=queryset).distinct())
        super().delete_queryset(request, queryset)


@admin.register(PracticeShare)
class PracticeShareAdmin(admin.ModelAdmin):
    list_display = ["practice", "territory", "shared_at"]
    raw_id_fields = ["practice", "shared_by"]
