"""Break-glass admin for activities; day-to-day work happens in the app's own pages.

Registration statuses are read-only here: they change only through the model's
verbs, which lock the activity and keep the waitlist and history consistent.
"""

from django.contrib import admin

from .models import Activity, ActivityPhoto, Registration, RegistrationEvent, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "track", "organization")
    list_filter = ("track",)
    search_fields = ("name",)
    raw_id_fields = ("organization",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "track", "kind", "host", "starts_at", "capacity", "cancelled_at", "archived_at")
    list_filter = ("track", "kind")
    search_fields = ("title", "venue")
    date_hierarchy = "starts_at"
    raw_id_fields = ("host", "series", "practice_base", "co_hosts", "speakers", "invited_orgs")


class RegistrationEventInline(admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "actor", "note")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("activity", "person", "organization", "status", "code", "checked_in_at")
    list_filter = ("status",)
    search_fields = ("code", "activity__title")
    raw_id_fields = ("activity", "person", "organization", "registered_by")
    readonly_fields = ("status", "code", "checked_in_at", "status_changed_at")
    inlines = [RegistrationEventInline]


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ("activity", "caption", "content_type", "size", "created_at")
    raw_id_fields = ("activity", "uploaded_by")
    readonly_fields = ("image", "content_type", "size")
