"""The in-app notification list, the unread badge, marking read and the email preference."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PreferenceForm
from .models import Notification, NotificationPreference


@login_required
def notification_list(request):
    queryset = Notification.objects.for_user(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        queryset = queryset.unread()
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    context = {
        "title": _("Notifications"),
        "page_obj": page,
        "object_list": page.object_list,
        "unread_only": unread_only,
        "unread_count": Notification.objects.for_user(request.user).unread().count(),
        "querystring": "unread=1" if unread_only else "",
        "preference_form": PreferenceForm(instance=preference),
    }
    return render(request, "notifications/notification_list.html", context)


@login_required
def badge(request):
    """The unread count in the navigation bar, loaded by HTMX so every page need not query it."""
    count = Notification.objects.for_user(request.user).unread().count()
    return render(request, "notifications/partials/badge.html", {"unread_count": count})


def _safe_target(request, url):
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else ""


@require_POST
@login_required
def mark_read(request, uuid):
    notice = get_object_or_404(Notification.objects.for_user(request.user), uuid=uuid)
    Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    if request.POST.get("open") and _safe_target(request, notice.url):
        return HttpResponseRedirect(notice.url)
    return HttpResponseRedirect(_safe_target(request, request.POST.get("next")) or reverse("notifications:list"))


@require_POST
@login_required
def mark_all_read(request):
    count = Notification.objects.for_user(request.user).mark_read()
    messages.success(request, _("%(n)s notifications marked as read.") % {"n": count})
    return HttpResponseRedirect(reverse("notifications:list"))


@require_POST
@login_required
def preference(request):
    instance = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    form = PreferenceForm(request.POST, instance=instance)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your email preference is saved."))
    else:
        messages.error(request, _("Choose one of the offered options."))
    return HttpResponseRedirect(reverse("notifications:list"))
