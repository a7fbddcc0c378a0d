import django_filters
from django.utils.translation import gettext_lazy as _

from gongjian.lib.filtering import FilterSet

from .choices import AdminRole
from .forms import add_bootstrap_classes
from .models import User

ROLE_CHOICES = [("alliance", _("Alliance admin")), ("superuser", _("Superuser"))] + [c for c in AdminRole.choices if c[0]]


class UserFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=ROLE_CHOICES, method="filter_role", empty_label=_("All roles"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[("active", _("Active")), ("inactive", _("Deactivated"))], method="filter_status", empty_label=_("All")
    )

    class Meta:
        model = User
        fields = ["q", "role", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self.form)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")

    def filter_role(self, queryset, name, value):
        if value == "alliance":
            return queryset.filter(is_alliance_admin=True)
        if value == "superuser":
            return queryset.filter(is_superuser=True)
        return queryset.filter(admin_role=value)
