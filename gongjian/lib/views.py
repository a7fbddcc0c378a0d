"""Generic views. A concrete view is set up by attributes; the logic lives here once."""


from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from gongjian.audit.models import Action
from gongjian.audit.recording import record

from .access import get_object_for, scope_for
from .excel import xlsx_response
from .logs import mask_numbers
from .paging import Window, page_number

PAGE_SIZES = (20, 50, 100)


def masked_filters(params) -> dict:
    """The list's filters as the audit trail keeps them: numbers long enough to be personal data masked."""
    # A run of seven or more digits in a filter is a phone or ID number someone searched for (SECURITY.md item 16).
    return {key: mask_numbers(value) for key, value in params.items() if key != "export"}


class ObjectListView(LoginRequiredMixin, View):
    """A filtered, paginated list; HTMX requests get only the table; ``?export=xlsx`` the whole filtered list.

    ``count_later`` suits lists that grow large (organizations, people): the page is a
    Window and its total a second request, so neither waits for the other.
    """

    queryset = None
    filterset_class = None
    template_name = ""
    table_template_name = ""
    table_class = None  # a lib.tables.Table for lists whose rows are built in Python
    title = ""
    export_columns: tuple[tuple[str, object], ...] = ()
    count_later = False

    def get_queryset(self, request):
        return self.queryset.all().visible_to(request.user)

    def export_filename(self) -> str:
        """The download's name, in the user's language: the list's title and today's date."""
        return f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx"

    def get_row_queryset(self, request):
        """Hook: the queryset a page's (or an export's) rows come from, before the filters apply,
        with the annotations and joins the rows show; counting uses get_queryset()."""
        return self.get_queryset(request)

    def export_rows(self, queryset):
        # iterator() keeps memory flat for large exports and still honours prefetch_related.
        for obj in queryset.iterator(chunk_size=2000):
            yield [accessor(obj) if callable(accessor) else getattr(obj, accessor) for _, accessor in self.export_columns]

    def get_extra_context(self, request):
        return {}

    def filter(self, request, queryset):
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        return filterset, filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset

    def total_text(self, total):
        return ngettext("%(counter)s item", "%(counter)s items", total) % {"counter": total}

    def paginate(self, request, queryset):
        per_page = page_number(request.GET.get("per_page"), PAGE_SIZES[0])
        per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
        if self.count_later:
            return Window(queryset, page_number(request.GET.get("page")), per_page)
        return Paginator(queryset, per_page).get_page(request.GET.get("page"))

    def get(self, request, *args, **kwargs):
        if self.count_later and request.GET.get("count") == "1":
            _filterset, queryset = self.filter(request, self.get_queryset(request))
            return HttpResponse(self.total_text(queryset.order_by().count()))
        filterset, queryset = self.filter(request, self.get_row_queryset(request))
        if request.GET.get("export") == "xlsx" and self.export_columns:
            changes = {"list": self.export_filename(), "filters": masked_filters(request.GET)}
            record(Action.EXPORT, changes=changes, object_repr=str(self.title))
            headers = [str(header) for header, _ in self.export_columns]
            return xlsx_response(self.export_filename(), headers, self.export_rows(queryset), title=str(self.title))
        page = self.paginate(request, queryset)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "filterset": filterset,
            "page_obj": page,
            "object_list": page.object_list,
            "table": self.table_class(page.object_list) if self.table_class else None,
            "querystring": query.urlencode(),
            "page_sizes": PAGE_SIZES,
            "can_create": self.can_create(request),
            **self.get_extra_context(request),
        }
        partial = getattr(request, "htmx", False) and request.htmx.target == "object-table"
        return render(request, self.table_template_name if partial else self.template_name, context)

    def can_create(self, request):
        return scope_for(request.user).everything


class ObjectDetailView(LoginRequiredMixin, View):
    model = None
    template_name = ""
    lookup = "uuid"

    def get_object(self, request, **kwargs):
        return get_object_for(request.user, self.model, "view", **{self.lookup: kwargs[self.lookup]})

    def get_extra_context(self, request, obj):
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object(request, **kwargs)
        can_edit = self.model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()
        context = {"object": obj, "can_edit": can_edit, **self.get_extra_context(request, obj)}
        return render(request, self.template_name, context)


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no uuid in the URL) or edit one object through its ModelForm.

    ModelForm validation calls Model.full_clean(), the same rules the API runs.
    ``check_create`` and ``check_save`` refuse what the user's scope does not allow.
    """

    model = None
    form_class = None
    template_name = "generic/object_edit.html"
    lookup = "uuid"

    def get_object(self, request, **kwargs):
        if self.lookup in kwargs:
            return get_object_for(request.user, self.model, "change", **{self.lookup: kwargs[self.lookup]})
        self.check_create(request)
        return self.model()

    def check_create(self, request):
        if not scope_for(request.user).everything:
            raise PermissionDenied

    def check_save(self, request, obj):
        """Hook: e.g. refuse moving an object outside the user's scope."""

    def get_form(self, request, obj, data=None, files=None):
        return self.form_class(data=data, files=files, instance=obj, user=request.user)

    def render_form(self, request, obj, form):
        context = {"object": obj if obj.pk else None, "form": form, "model_name": self.model._meta.verbose_name}
        template = "generic/partials/form.html" if getattr(request, "htmx", False) else self.template_name
        return render(request, template, context)

    def get(self, request, *args, **kwargs):
        obj = self.get_object(request, **kwargs)
        return self.render_form(request, obj, self.get_form(request, obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object(request, **kwargs)
        form = self.get_form(request, obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                self.check_save(request, form.instance)
                obj = form.save()
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": obj})
                url = obj.get_absolute_url()
                if getattr(request, "htmx", False):
                    from django_htmx.http import HttpResponseClientRedirect

                    return HttpResponseClientRedirect(url)
                return HttpResponseRedirect(url)
        # htmx 2 does not swap 4xx bodies, so the form with its errors comes back as 200.
        return self.render_form(request, obj, form)


class ObjectArchiveView(LoginRequiredMixin, View):
    model = None
    lookup = "uuid"
    success_url_name = ""

    def post(self, request, *args, **kwargs):
        obj = get_object_for(request.user, self.model, "change", **{self.lookup: kwargs[self.lookup]})
        try:
            obj.archive()
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Archived %(name)s.") % {"name": obj})
        from django.urls import reverse

        return HttpResponseRedirect(reverse(self.success_url_name))
