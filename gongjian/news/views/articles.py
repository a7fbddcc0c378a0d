"""The newsroom's pages under /news/manage/: the list, the editor, an article with its review actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongjian.insights.models import DocumentKind, GeneratedDocument
from gongjian.lib.access import get_object_for
from gongjian.lib.views import ObjectDetailView, ObjectEditView, ObjectListView

from .. import seal
from ..article_filters import ArticleFilterSet
from ..article_forms import ArticleForm, action_form, writable_organizations
from ..choices import ArticleStatus
from ..models.articles import Article, finding_message, may_write_news
from ..models.review_flow import TRANSITIONS, USER_TRANSITIONS


class ArticleListView(ObjectListView):
    queryset = Article.objects.select_related("organization", "author__person").defer("body")
    filterset_class = ArticleFilterSet
    template_name = "news/manage_list.html"
    table_template_name = "news/partials/manage_table.html"
    title = gettext_lazy("Newsroom")

    def get_queryset(self, request):
        return self.queryset.all().visible_to(request.user).active()

    def can_create(self, request):
        return may_write_news(request.user)


class ArticleDetailView(ObjectDetailView):
    model = Article
    template_name = "news/manage_article.html"

    def get_object(self, request, **kwargs):
        queryset = Article.objects.with_steps()
        return get_object_for(request.user, Article, "view", queryset=queryset, uuid=kwargs["uuid"])

    def get_extra_context(self, request, obj):
        versions = list(obj.versions.select_related("published_by__person").order_by("number"))
        return {
            "title": obj.title,
            "actions": [(t, action_form(t.name, article=obj)) for t in obj.allowed_transitions(request.user)],
            "steps": obj.steps.all(),
            "versions": versions,
            "seal_broken": seal.broken_version(obj.uuid, versions) if versions else None,
            "findings": [finding_message(f) for f in obj.findings],
        }


class ArticleEditView(ObjectEditView):
    model = Article
    form_class = ArticleForm

    def check_create(self, request):
        if not may_write_news(request.user):
            raise PermissionDenied

    def check_save(self, request, obj):
        if obj.pk is None:
            obj.author = request.user


@require_POST
@login_required
def article_action(request, uuid, name):
    """One step of the flow, with its comment (and time, or corrected text); refusals become page messages."""
    article = get_object_for(request.user, Article, "view", queryset=Article.objects.select_related("organization"), uuid=uuid)
    if name not in USER_TRANSITIONS:
        raise Http404
    form = action_form(name, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return HttpResponseRedirect(article.get_absolute_url())
    try:
        done = article.act(name, request.user, **form.cleaned_data)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        if done.name == "hold" and name != "hold":
            messages.warning(request, _("The content-safety scan held the article for the security admin."))
        else:
            messages.success(
                request,
                _("%(action)s: the article is now %(status)s.")
                % {"action": TRANSITIONS[name].label, "status": article.get_status_display()},
            )
    return HttpResponseRedirect(article.get_absolute_url())


@require_POST
@login_required
def article_from_document(request, uuid):
    """转为新闻稿: a draft from a publicity document of the insights app."""
    document = get_object_for(request.user, GeneratedDocument, "view", uuid=uuid)
    if document.kind != DocumentKind.PUBLICITY or not (document.content or {}).get("sections"):
        messages.error(request, _("Only a finished publicity draft can become a news article."))
        return HttpResponseRedirect(document.get_absolute_url())
    if not may_write_news(request.user):
        raise PermissionDenied
    try:
        article = Article.draft_from_document(document, request.user, organization=writable_organizations(request.user).first())
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return HttpResponseRedirect(document.get_absolute_url())
    if article.status == ArticleStatus.HELD:
        messages.warning(request, _("The content-safety scan held the article for the security admin."))
    else:
        messages.success(request, _("The news article draft is ready: check it and submit it for review."))
    return HttpResponseRedirect(article.get_absolute_url())
