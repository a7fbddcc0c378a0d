"""Forms of the newsroom pages. Validation lives in Article.clean() and the verbs; forms pick choices by scope."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.lib.forms import ScopedModelForm
from gongjian.orgs.models import Organization
from gongjian.orgs.pickers import use_picker

from .models import Article


def writable_organizations(user):
    """Organizations the user may write news for: those they belong to, and their admin subtree."""
    return Organization.objects.active().visible_to(user).only("pk", "uuid", "name", "path").order_by("path")


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ArticleForm(ScopedModelForm):
    class Meta:
        formfield_callback = _formfield
        model = Article
        fields = [
            "title", "summary", "body", "cover", "category", "source_name", "source_url", "organization", "byline",
            "activities", "agreements", "projects", "organizations",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "cover": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "organization", "organizations", writable_organizations(self.user))
        # A district reports on thousands of these: searched by title, never listed in full.
        for name in ("activities", "agreements", "projects"):
            use_picker(self, name, name)
            self.fields[name].widget.attrs["data-placeholder"] = _("Type words of the title")
        use_picker(self, "organizations", "organizations-directory")


SMALL = "form-control form-control-sm"


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("news review", "Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": SMALL})
    )


class ScheduleForm(CommentForm):
    publish_at = forms.DateTimeField(
        label=_("Publish at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": SMALL}, format="%Y-%m-%dT%H:%M")
    )


class CorrectionForm(CommentForm):
    """更正: the corrected text and the note shown with it (the comment)."""

    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": SMALL}))
    summary = forms.CharField(label=_("Summary"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2, "class": SMALL}))
    body = forms.CharField(label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 10, "class": SMALL}))


# The data each transition takes beyond its comment.
ACTION_FORMS = {"schedule": ScheduleForm, "correct": CorrectionForm}


def action_form(name, data=None, article=None):
    form_class = ACTION_FORMS.get(name, CommentForm)
    initial = (
        {"title": article.title, "summary": article.summary, "body": article.body} if article is not None and name == "correct" else None
    )
    return form_class(data, initial=initial, prefix=name)
