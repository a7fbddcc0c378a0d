"""Break-glass admin for the directory; day-to-day work happens in the app's own pages.

Phone and ID numbers are not listed or searched here: the admin has no masking.
"""

from django.contrib import admin

from .models import CapabilityTag, Membership, Organization, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent", "code")
    list_filter = ("level",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


@admin.register(CapabilityTag)
class CapabilityTagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "kind", "parent", "region", "status", "archived_at")
    list_filter = ("sector", "kind", "status")
    search_fields = ("name", "short_name", "pinyin_initials")
    raw_id_fields = ("parent", "region")
    filter_horizontal = ("tags",)
    exclude = ("contact_phone",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("organization",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "is_speaker", "archived_at")
    list_filter = ("is_speaker",)
    search_fields = ("name", "pinyin_initials")
    exclude = ("phone", "id_number")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "organization", "role", "position", "joined_on", "left_on")
    list_filter = ("role",)
    raw_id_fields = ("person", "organization")
