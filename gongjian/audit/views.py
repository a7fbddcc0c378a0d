"""The audit trail, for audit administrators (and the break-glass superuser) only, read-only.

Records are addressed by their sequence number: it is what auditors and
``verify_audit`` cite, and nobody outside the audit role reaches these pages.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from gongjian.lib.middleware import mark_no_store
from gongjian.lib.views import ObjectListView

from .filters import RecordFilterSet
from .models import Record


def check_reader(user):
    if not (user.is_authenticated and user.may_read_audit):
        raise PermissionDenied


class RecordListView(ObjectListView):
    filterset_class = RecordFilterSet
    template_name = "audit/record_list.html"
    table_template_name = "audit/partials/record_table.html"
    title = _("Audit trail")
    count_later = True
    export_columns = (
        (_("Number"), "pk"),
        (_("Time"), lambda r: r.created_at.isoformat(timespec="seconds")),
        (_("Actor"), "actor_name"),
        (_("Source IP"), lambda r: r.ip or ""),
        (_("Action"), lambda r: r.get_action_display()),
        (_("Object type"), "object_type_label"),
        (_("Object id"), "object_id"),
        (_("Object"), "object_repr"),
        (_("Outcome"), lambda r: r.get_outcome_display()),
        (_("Changes"), lambda r: str(r.changes) if r.changes else ""),
    )

    def get_queryset(self, request):
        check_reader(request.user)
        # actor_name is stored on the record, so the list needs no join.
        return Record.objects.order_by("-pk")

    def get(self, request, *args, **kwargs):
        mark_no_store(request)
        return super().get(request, *args, **kwargs)

    def can_create(self, request):
        return False


@require_safe
@login_required
def record_detail(request, pk):
    check_reader(request.user)
    mark_no_store(request)
    record = get_object_or_404(Record, pk=pk)
    # A diff is {field: [old, new]}; other events carry plain values such as {"event": "enrolment"}.
    changes = []
    for key, value in sorted((record.changes or {}).items()):
        if isinstance(value, list) and len(value) == 2:
            changes.append((key, value[0], value[1], True))
        else:
            changes.append((key, value, None, False))
    return render(request, "audit/record_detail.html", {"title": str(record), "object": record, "changes": changes})
