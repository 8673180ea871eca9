from django.contrib import admin

from .models import Document, DocumentShare


class DocumentShareInline(admin.TabularInline):
    model = DocumentShare
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "territory", "date", "is_public"]
    list_filter = ["kind", "is_public", "territory"]
    search_fields = ["title", "author"]
    # Files come in through the documentation centre's form, which checks their type
    # (egts/uploads.py): the admin shows them but does not take new ones.
    readonly_fields = ["file", "file_name", "content_type", "size"]
    inlines = [DocumentShareInline]
