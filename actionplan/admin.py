from django.contrib import admin

from .models import Axis, FollowUpPreference, Indicator, LocalAction, Measure, ProgressUpdate


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["title", "order"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "measure"
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "axis", "status", "progress"]
    list_filter = ["status", "axis"]
    inlines = [IndicatorInline]
    filter_horizontal = ["proposals"]


@admin.register(LocalAction)
class LocalActionAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "status", "progress"]
    list_filter = ["status", "territory"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["date", "measure", "local_action", "status", "progress"]


@admin.register(FollowUpPreference)
class FollowUpPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "notify_measure_status"]
