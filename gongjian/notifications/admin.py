"""Break-glass admin for notices; users read and mark them in the app."""

from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at", "digest_pending")
    list_filter = ("kind", "digest_pending")
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_mode", "last_digest_at")
    list_filter = ("email_mode",)
    raw_id_fields = ("user",)
