"""Break-glass admin; day-to-day work happens in the app's own pages.

Agreement status is read-only here: it moves only through the lifecycle verbs.
"""

from django.contrib import admin

from .models import Agreement, AgreementEvent, AgreementParty, Alliance, AllianceMember, Honor, HonorRecipient, Pairing, PracticeBase


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    raw_id_fields = ("organization",)


class EventInline(admin.TabularInline):
    model = AgreementEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "note", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("title", "track", "status", "start_date", "end_date", "archived_at")
    list_filter = ("status", "track")
    search_fields = ("title", "theme")
    readonly_fields = ("status", "signed_on", "published_at", "termination_reason", "previous", "reminder_sent_at")
    inlines = [PartyInline, EventInline]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ("org_a", "org_b", "theme", "track", "status", "start_date")
    list_filter = ("status", "track")
    raw_id_fields = ("org_a", "org_b", "agreement")


class AllianceMemberInline(admin.TabularInline):
    model = AllianceMember
    extra = 0
    raw_id_fields = ("organization",)


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "lead", "founded_on")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("lead",)
    inlines = [AllianceMemberInline]


@admin.register(PracticeBase)
class PracticeBaseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "host", "capacity")
    list_filter = ("kind",)
    search_fields = ("name", "address")
    raw_id_fields = ("host", "partners", "agreement", "alliance", "region")


class RecipientInline(admin.TabularInline):
    model = HonorRecipient
    extra = 0
    raw_id_fields = ("organization", "person")


@admin.register(Honor)
class HonorAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "level", "awarded_on")
    list_filter = ("kind", "level")
    search_fields = ("title", "issuer_name")
    raw_id_fields = ("issuer",)
    inlines = [RecipientInline]
