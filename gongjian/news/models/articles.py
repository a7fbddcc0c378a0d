"""News articles (新闻稿): the 三审 review flow, sealed published versions and daily view counts.

An article is written as a draft for one organization and reviewed three times before it goes
public under that organization's name:

* 初审 (first) by an admin of the article's own organization, the branch;
* 复审 (second) by an admin of its parent organization, whose publicity officer this is;
* 终审 (final) by the party committee: an alliance admin or an admin of the tree's root organization.

It is then published at once or at a set time (``manage.py publish_scheduled``); afterwards it can
be withdrawn with a reason or corrected (更正) with a note, each published version kept and sealed
(gongjian/news/seal.py). Nobody reviews their own article, and one person passes at most one stage
of a review round. Every move is a compare-and-set on ``status`` with a ReviewStep beside it, read
from the TRANSITIONS table by the verbs, the pages, the API and the tests.

The content-safety scan (gongjian/news/safety/) runs on save, on submit and before publishing:
a *block* finding refuses the text and points at the span, a *review* finding holds the article
for the security admin, who releases exactly that text or rejects it.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.middleware import current_request
from gongjian.lib.models import ArchivableModel, ArchivableQuerySet, TrackedModel
from gongjian.lib.richtext import clean_html
from gongjian.lib.uploads import CONTENT_TYPES, IMAGE_TYPES, private_storage, random_name, validate_upload

from .. import seal
from ..choices import ArticleStatus, Category, Stage
from ..safety.verdicts import BLOCK, OK, REVIEW
from .history import ArticleVersion, ReviewStep
from .review_flow import (
    EDITOR,
    PASSES,
    REVIEW_STATUSES,
    REVIEWER,
    SECURITY,
    STAGE_OF,
    SYSTEM,
    TRANSITIONS,
    USER_TRANSITIONS,
    WRITER,
    S,
    Transition,
)

# A plain save() writes these and nothing else: status and stamps move only through the verbs.
CONTENT_FIELDS = (
    "title", "summary", "body", "cover", "cover_type", "category", "source_name", "source_url", "organization", "byline", "updated_at",
)  # fmt: skip
FIELD_LABELS = {
    "title": pgettext_lazy("news field", "Title"),
    "summary": pgettext_lazy("news field", "Summary"),
    "body": pgettext_lazy("news field", "Body"),
}
SECURITY_ROLE = "security"
# What the public article page and its unavailable notice read of an article.
PUBLIC_PAGE_FIELDS = (
    "uuid", "title", "summary", "body", "cover", "category", "source_name", "source_url", "organization", "byline", "status",
    "published_at", "updated_at", "version", "view_count", "archived_at",
)  # fmt: skip


def text_digest(title: str, summary: str, body: str) -> str:
    """What a release by the security admin applies to: exactly this title, summary and body."""
    return hashlib.sha256("\x1f".join((title or "", summary or "", body or "")).encode()).hexdigest()


def finding_message(finding: dict) -> str:
    return gettext("%(field)s, characters %(start)s–%(end)s: “%(excerpt)s” (%(reason)s)") % {
        "field": FIELD_LABELS.get(finding["field"], finding["field"]),
        "start": finding["start"] + 1,
        "end": finding["end"],
        "excerpt": finding["excerpt"],
        "reason": finding["reason"],
    }


@dataclass(frozen=True)
class Screening:
    """The scan of an article's title, summary and body: the worst verdict and every finding."""

    verdict: str
    findings: tuple
    digest: str
    released: bool = False  # a review verdict on exactly the text the security admin released

    @property
    def needs_attention(self) -> bool:
        return self.verdict == BLOCK or (self.verdict == REVIEW and not self.released)

    def messages(self) -> list[str]:
        return [finding_message(f) for f in self.findings] or [gettext("The content-safety scan flagged this text.")]

    def error(self) -> ValidationError:
        return ValidationError([ValidationError(message, code="blocked") for message in self.messages()])

    def by_field(self) -> dict[str, list[str]]:
        errors = {}
        for finding in self.findings:
            errors.setdefault(finding["field"], []).append(finding_message(finding))
        return errors or {"title": self.messages()}


def _acting_user():
    """The signed-in user of the request being served, or None for the platform itself."""
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def cover_path(instance, filename):
    return random_name("news/covers", getattr(instance, "_cover_kind", None) or "bin")


class ArticleQuerySet(ScopedQuerySet, ArchivableQuerySet):
    """Members see their organizations' newsroom, admins their subtree's; authors always their own.

    The security admin, who holds no membership, sees every article: held and offline articles
    are theirs to decide.
    """

    def visible_to(self, user):
        if getattr(user, "is_security_admin", False):
            return self
        scope = scope_for(user)
        if scope.everything:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(organization__in=scope.visible) | Q(author=user))

    def editable_by(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(organization__in=scope.editable) | Q(author=user))

    def public(self):
        return self.filter(status=S.PUBLISHED, archived_at__isnull=True)

    def for_public_page(self):
        """The columns the public article page shows, with its organization's names, unordered: the
        page reads one row by uuid, for every visitor and for each page verify_published reads."""
        return self.select_related("organization").only(*PUBLIC_PAGE_FIELDS, "organization__name", "organization__short_name").order_by()

    def with_steps(self):
        """With the organization, the author and every review step with its reviewer, for the pages and the API."""
        steps = ReviewStep.objects.select_related("reviewer__person").order_by("created_at", "pk")
        return self.select_related("organization", "author__person").prefetch_related(Prefetch("steps", queryset=steps))

    def about(self, obj):
        """Published articles reporting on an activity, agreement, project or organization."""
        from gongjian.orgs.models import Organization

        field = {"activity": "activities", "agreement": "agreements", "project": "projects", "organization": "organizations"}[
            obj._meta.model_name
        ]
        q = Q(**{field: obj})
        if isinstance(obj, Organization):
            q |= Q(organization=obj)
        return self.public().filter(pk__in=Article._base_manager.filter(q).values("pk"))

    def for_verification(self):
        """Published articles with their sealed versions, for verify_published (the body is read from the versions)."""
        return (
            self.filter(status=S.PUBLISHED)
            .defer("body")
            .prefetch_related(Prefetch("versions", queryset=ArticleVersion.objects.order_by("number")))
        )


def may_write_news(user) -> bool:
    """Members write for their organizations, admins for their subtree."""
    scope = scope_for(user)
    return scope.belongs


class Article(ArchivableModel, TrackedModel):
    """A news article (新闻稿) of one organization, reviewed three times before it is public.

    ``version`` counts the published versions (0 before the first); ``review_round`` counts
    submissions, so the one-stage-per-person rule applies within a round. ``findings`` keeps the
    scan's findings while the article is held; ``released_digest`` is the text the security admin
    released, which a later review verdict on the same text no longer holds.
    """

    Status = ArticleStatus
    Category = Category

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True, help_text=_("Shown in lists and when the link is shared."))
    body = models.TextField(
        _("body"), blank=True, help_text=_("HTML: paragraphs, headings, lists, tables and links; scripts and styles are removed.")
    )
    cover = models.FileField(
        _("cover image"), upload_to=cover_path, storage=private_storage, max_length=200, blank=True, help_text=_("JPEG or PNG.")
    )
    cover_type = models.CharField(max_length=40, blank=True, editable=False)
    category = models.CharField(pgettext_lazy("news", "category"), max_length=16, choices=Category.choices, default=Category.WORK)
    source_name = models.CharField(_("source"), max_length=100, blank=True, help_text=_("For media coverage: e.g. 《上海宣传通讯》."))
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("publishing organization"), on_delete=models.PROTECT, related_name="published_articles"
    )
    byline = models.CharField(
        _("publisher (发布者)"), max_length=60, blank=True, help_text=_("Shown on the public page; empty shows the organization's name.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    activities = models.ManyToManyField("activities.Activity", verbose_name=_("activities"), blank=True, related_name="news_articles")
    agreements = models.ManyToManyField("agreements.Agreement", verbose_name=_("agreements"), blank=True, related_name="news_articles")
    projects = models.ManyToManyField("projects.Project", verbose_name=_("projects"), blank=True, related_name="news_articles")
    organizations = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("organizations reported on"), blank=True, related_name="news_articles"
    )

    status = models.CharField(_("status"), max_length=16, choices=ArticleStatus.choices, default=S.DRAFT, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("news", "published at"), null=True, blank=True, editable=False)
    publish_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    review_round = models.PositiveIntegerField(_("review round"), default=0, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    status_note = models.TextField(_("reason"), blank=True, editable=False)
    held_from = models.CharField(max_length=16, choices=ArticleStatus.choices, blank=True, editable=False)
    findings = models.JSONField(default=list, blank=True, editable=False)
    released_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    audit_ignored = ("updated_at", "created_at", "cover", "view_count")

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ArticleStatus.values), name="news_article_status_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="news_article_category_valid"),
            models.CheckConstraint(condition=~Q(status=S.PUBLISHED) | Q(published_at__isnull=False), name="news_article_published_dated"),
            models.CheckConstraint(condition=~Q(status=S.SCHEDULED) | Q(publish_at__isnull=False), name="news_article_scheduled_dated"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="news_article_status_pub"),
            models.Index(fields=["category", "status", "-published_at"], name="news_article_cat_status_pub"),
            models.Index(fields=["status", "publish_at"], name="news_article_status_due"),
            # The public list's Last-Modified: the latest change to an article that was ever public.
            models.Index(fields=["-updated_at"], condition=Q(published_at__isnull=False), name="news_article_public_changed"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:manage_article", kwargs={"uuid": self.uuid})

    def get_public_url(self):
        return reverse("news:article", kwargs={"uuid": self.uuid})

    @property
    def is_public(self) -> bool:
        return self.status == S.PUBLISHED and self.archived_at is None

    @property
    def publisher(self) -> str:
        return self.byline or self.organization.short_name or self.organization.name

    # --- Validation and saving ------------------------------------------------------------------
    def clean(self):
        self.title = (self.title or "").strip()
        self.summary = (self.summary or "").strip()
        self.body = clean_html(self.body)
        if self.pk and self.status != S.DRAFT:
            raise ValidationError(_("Only a draft can be edited; return or reopen the article first."), code="not_draft")
        if self.category == Category.MEDIA:
            if not self.source_name.strip():
                raise ValidationError({"source_name": _("Name the outlet that carried the report.")})
        else:
            self.source_name, self.source_url = "", ""
        self._check_cover()
        screening = self.screen()
        self._screening = screening
        if screening.verdict == BLOCK:
            raise ValidationError(screening.by_field(), code="blocked")

    def _check_cover(self):
        if self.cover and not self.cover._committed:
            try:
                self._cover_kind = validate_upload(self.cover, IMAGE_TYPES)
            except ValidationError as e:
                raise ValidationError({"cover": e.messages}) from e
            self.cover_type = CONTENT_TYPES[self._cover_kind]

    def save(self, *args, **kwargs):
        """Write the content of a draft, scanned; a flagged text is held for the security admin.

        Text that reaches here unvalidated with a block finding (an import, the shell, the demo's
        defaced draft) is held too rather than lost. A save with ``update_fields`` is a verb's own
        narrow write and skips all of this.
        """
        if kwargs.get("update_fields") is not None:
            return super().save(*args, **kwargs)
        self.body = clean_html(self.body)
        self._check_cover()
        screening = getattr(self, "_screening", None)
        if screening is None or screening.digest != text_digest(self.title, self.summary, self.body):
            screening = self.screen()
        self._screening = None
        with transaction.atomic():
            if self._state.adding:
                self.status = S.DRAFT
                self.author = self.author or _acting_user()
                super().save(*args, **kwargs)
            else:
                stored = Article.objects.select_for_update().filter(pk=self.pk).values_list("status", flat=True).first()
                if stored != S.DRAFT:
                    # Someone submitted it while this edit was open: the reviewed text must not change.
                    raise ValidationError(_("Only a draft can be edited; return or reopen the article first."), code="not_draft")
                super().save(update_fields=CONTENT_FIELDS)
            if screening.needs_attention:
                self._hold(_acting_user(), screening)

    def archive(self):
        if self.status not in (S.DRAFT, S.REJECTED, S.WITHDRAWN):
            raise ValidationError(_("Only drafts and rejected or withdrawn articles can be archived; withdraw it first."))
        super().archive()

    # --- The scan ---------------------------------------------------------------------------------
    def screen(self, scanner=None, *, title=None, summary=None, body=None) -> Screening:
        """Scan the title, summary and body (as given, else as they are): each field on its own, so
        a finding's characters count within its field."""
        from ..safety.detect import Scanner

        scanner = scanner or Scanner.from_db()
        title = self.title if title is None else title
        summary = self.summary if summary is None else summary
        body = self.body if body is None else body
        rank = {OK: 0, REVIEW: 1, BLOCK: 2}
        worst, findings = OK, []
        for field, text, html in (("title", title, False), ("summary", summary, False), ("body", body, True)):
            result = scanner.scan(text or "", html=html)
            if rank[result.verdict] > rank[worst]:
                worst = result.verdict
            for f in result.findings:
                findings.append(
                    {
                        "field": field,
                        "verdict": f.tier,
                        "start": f.start,
                        "end": f.end,
                        "excerpt": f.excerpt,
                        "reason": str(f.reason),
                        "rule": str(f.rule),
                    }
                )
        digest = text_digest(title, summary, body)
        released = worst == REVIEW and bool(self.released_digest) and hmac.compare_digest(digest, self.released_digest)
        return Screening(worst, tuple(findings), digest, released)

    def _screen_or_hold(self, by) -> bool:
        """True when the text may go on. A person is refused a block finding with its spans; anything
        else flagged (and a block met by the platform itself) holds the article, and False is returned."""
        screening = self.screen()
        if screening.verdict == BLOCK and by is not None:
            raise screening.error()
        if screening.needs_attention:
            self._hold(by, screening)
            return False
        return True

    # --- Who may do what ----------------------------------------------------------------------------
    def stage_organization_id(self, stage) -> int:
        """The organization whose admins take ``stage``: the article's own, its parent, its tree's root."""
        org = self.organization
        if stage == Stage.FIRST:
            return org.pk
        if stage == Stage.SECOND:
            return org.parent_id or org.pk
        ancestors = org.ancestor_ids()
        return ancestors[0] if ancestors else org.pk

    def holds_stage(self, user, stage) -> bool:
        scope = scope_for(user)
        return scope.everything or scope.can_edit(self.stage_organization_id(stage))

    def stages_passed_by(self, user) -> set[str]:
        """The stages ``user`` passed in this review round (reads prefetched steps when there are)."""
        return {
            step.stage
            for step in self.steps.all()
            if step.round == self.review_round and step.reviewer_id == user.pk and step.decision in PASSES and step.stage
        }

    def refusal(self, user, name, explain=True) -> str | None:
        """Why ``user`` may not take transition ``name`` (a sentence), or None when they may.

        The status is checked apart, by check_transition(). ``explain=False`` skips the one
        sentence that costs a query (lists ask this of every row).
        """
        transition = TRANSITIONS[name]
        if user is None or not user.is_authenticated:
            return gettext("Sign in first.")
        if transition.actor == SYSTEM:
            return gettext("Only the platform itself does this.")
        if transition.actor == SECURITY:
            return None if user.is_security_admin or user.is_superuser else gettext("Only the security admin does this.")
        scope = scope_for(user)
        org_name = self.organization.name
        if transition.actor == WRITER:
            if self.author_id == user.pk or scope.can_edit(self.organization_id):
                return None
            return gettext("Only the author or an admin of %(org)s does this.") % {"org": org_name}
        if transition.actor == EDITOR:
            return None if scope.can_edit(self.organization_id) else gettext("Only an admin of %(org)s does this.") % {"org": org_name}
        stage = STAGE_OF.get(self.status, Stage.FINAL) if transition.actor == REVIEWER else transition.actor
        if self.author_id == user.pk:
            return gettext("Nobody reviews their own article.")
        if not self.holds_stage(user, stage):
            return self.stage_description(stage) if explain else "stage"
        if name in PASSES and self.status in REVIEW_STATUSES:
            other = self.stages_passed_by(user) - {stage}
            if other:
                return gettext("You passed the %(stage)s of this article in this round; another person takes the %(next)s.") % {
                    "stage": Stage(other.pop()).label,
                    "next": Stage(stage).label,
                }
        return None

    def stage_description(self, stage) -> str:
        from gongjian.orgs.models import Organization

        name = Organization.objects.filter(pk=self.stage_organization_id(stage)).values_list("name", flat=True).first()
        if stage == Stage.FINAL:
            return gettext("The %(stage)s is for the party committee: an admin of %(org)s or an alliance admin.") % {
                "stage": Stage(stage).label,
                "org": name,
            }
        return gettext("The %(stage)s is for an admin of %(org)s.") % {"stage": Stage(stage).label, "org": name}

    def may(self, user, name) -> bool:
        return self.status in TRANSITIONS[name].sources and self.refusal(user, name, explain=False) is None

    def allowed_transitions(self, user) -> list[Transition]:
        return [TRANSITIONS[name] for name in USER_TRANSITIONS if self.may(user, name)]

    def check_transition(self, name) -> Transition:
        transition = TRANSITIONS[name]
        if self.status not in transition.sources:
            raise ValidationError(
                _("“%(action)s” is not allowed while the article is %(status)s.")
                % {"action": transition.label, "status": self.get_status_display()},
                code="illegal_transition",
            )
        return transition

    def _authorise(self, by, name, comment="") -> Transition:
        """Check the status, then the person; ``by`` None is the platform itself (the periodic commands)."""
        transition = self.check_transition(name)
        if by is not None:
            reason = self.refusal(by, name)
            if reason:
                raise PermissionDenied(reason)
        if transition.comment_required and not (comment or "").strip():
            raise ValidationError({"comment": _("Give a reason.")})
        return transition

    # --- Moving ----------------------------------------------------------------------------------------
    def _move(self, name, by, comment="", *, target=None, stage="", changes=None, **fields) -> Transition:
        """Compare-and-set the status (and the version) and write the step and the audit record, all or nothing."""
        transition = TRANSITIONS[name]
        old, new = self.status, target or transition.target
        now = timezone.now()
        with transaction.atomic():
            moved = Article.objects.filter(pk=self.pk, status=old, version=self.version).update(status=new, updated_at=now, **fields)
            if moved != 1:
                # Nothing got updated: someone else moved it first.
                raise ValidationError(_("This article was changed by someone else. Reload the page and try again."), code="conflict")
            ReviewStep.objects.create(
                article=self,
                round=fields.get("review_round", self.review_round),
                stage=stage,
                decision=name,
                from_status=old,
                to_status=new,
                reviewer=by,
                comment=(comment or "").strip(),
            )
            audited = {"status": [old, new], **{k: [None, str(v)] for k, v in fields.items() if k not in ("body", "summary", "findings")}}
            action = Action.PUBLISH if new == S.PUBLISHED else Action.UPDATE
            record(action, self, changes={**audited, **(changes or {})}, actor=by, actor_name="" if by else "gongjian")
        self.status, self.updated_at = new, now
        for key, value in fields.items():
            setattr(self, key, value)
        return transition

    def _hold(self, by, screening):
        from .. import article_notices

        self._move(
            "hold",
            by,
            "\n".join(screening.messages()),
            stage=Stage.SECURITY,
            held_from=self.status,
            findings=list(screening.findings),
            changes={"verdict": screening.verdict},
        )
        article_notices.held(self)

    def _publish_version(self, name, by, comment, at, note="", **fields):
        """Move to published as version n+1, sealed and chained to version n."""
        number = self.version + 1
        prev = self.versions.order_by("-number").values_list("seal", flat=True).first() or ""
        content = {
            "title": fields.get("title", self.title),
            "summary": fields.get("summary", self.summary),
            "body": fields.get("body", self.body),
        }
        with transaction.atomic():
            self._move(
                name, by, comment, version=number, changes={"seal_digest": seal.content_digest(content["title"], content["body"])}, **fields
            )
            ArticleVersion.objects.create(
                article=self,
                number=number,
                correction_note=note,
                published_at=at,
                published_by=by,
                **content,
                **seal.seal_fields(self.uuid, number, content["title"], content["body"], prev),
            )

    # --- Verbs -------------------------------------------------------------------------------------------
    def submit(self, by, comment=""):
        """Send a draft to 初审; returns the transition that happened (``hold`` when the scan held it)."""
        from .. import article_notices

        self._authorise(by, "submit", comment)
        if not self._screen_or_hold(by):
            return TRANSITIONS["hold"]
        transition = self._move("submit", by, comment, review_round=self.review_round + 1, status_note="")
        article_notices.review_needed(self, Stage.FIRST)
        return transition

    def pass_first(self, by, comment=""):
        return self._pass("pass_first", by, comment, Stage.FIRST, Stage.SECOND)

    def pass_second(self, by, comment=""):
        return self._pass("pass_second", by, comment, Stage.SECOND, Stage.FINAL)

    def _pass(self, name, by, comment, stage, next_stage):
        from .. import article_notices

        self._authorise(by, name, comment)
        transition = self._move(name, by, comment, stage=stage)
        article_notices.review_needed(self, next_stage)
        return transition

    def publish(self, by, comment=""):
        """终审 passed, published now; or a scheduled article published (at its time by the periodic command)."""
        self._authorise(by, "publish", comment)
        if not self._screen_or_hold(by):
            return TRANSITIONS["hold"]
        now = timezone.now()
        at = self.publish_at if self.status == S.SCHEDULED and self.publish_at and self.publish_at <= now else now
        stage = Stage.FINAL if self.status == S.FINAL_REVIEW else ""
        with transaction.atomic():
            self._publish_version("publish", by, comment, at, stage=stage, published_at=at, publish_at=None, status_note="")
        return TRANSITIONS["publish"]

    def schedule(self, by, comment="", publish_at=None):
        """终审 passed, published at ``publish_at`` by ``manage.py publish_scheduled``."""
        self._authorise(by, "schedule", comment)
        if publish_at is None or publish_at <= timezone.now():
            raise ValidationError({"publish_at": _("Choose a time in the future.")})
        if not self._screen_or_hold(by):
            return TRANSITIONS["hold"]
        return self._move("schedule", by, comment, stage=Stage.FINAL, publish_at=publish_at)

    def send_back(self, by, comment=""):
        """Return the article to its author from any review stage, with the reviewer's reasons."""
        from .. import article_notices

        self._authorise(by, "send_back", comment)
        transition = self._move("send_back", by, comment, stage=STAGE_OF[self.status], status_note=comment.strip())
        article_notices.returned(self, comment)
        return transition

    def release(self, by, comment=""):
        """The security admin finds the held text fine: back to where it was, this exact text released."""
        self._authorise(by, "release", comment)
        screening = self.screen()
        if screening.verdict == BLOCK:
            raise ValidationError([gettext("Text the scan blocks cannot be released; reject the article instead."), *screening.messages()])
        return self._move(
            "release",
            by,
            comment,
            target=self.held_from or S.DRAFT,
            stage=Stage.SECURITY,
            held_from="",
            findings=[],
            released_digest=screening.digest,
        )

    def reject(self, by, comment=""):
        from .. import article_notices

        self._authorise(by, "reject", comment)
        transition = self._move("reject", by, comment, stage=Stage.SECURITY, held_from="", status_note=comment.strip())
        article_notices.returned(self, comment)
        return transition

    def withdraw(self, by, comment=""):
        self._authorise(by, "withdraw", comment)
        return self._move("withdraw", by, comment, status_note=comment.strip(), publish_at=None)

    def correct(self, by, comment="", *, title, summary="", body=""):
        """更正: publish a corrected text now as a new sealed version, its note shown with the article.

        A correction goes public at once, without the three reviews, so only the party committee
        makes one and anything the scan flags is refused.
        """
        self._authorise(by, "correct", comment)
        content = {"title": (title or "").strip(), "summary": (summary or "").strip(), "body": clean_html(body)}
        if not content["title"]:
            raise ValidationError({"title": _("This field is required.")})
        if len(content["title"]) > 200 or len(content["summary"]) > 500:
            raise ValidationError(_("The title is limited to 200 characters and the summary to 500."))
        screening = self.screen(**content)
        if screening.needs_attention:
            raise screening.error()
        with transaction.atomic():
            self._publish_version("correct", by, comment, timezone.now(), note=comment.strip(), **content)
        return TRANSITIONS["correct"]

    def take_offline(self, by, comment="", problems=None) -> bool:
        """Replace the public page with a neutral notice; False when the article is no longer published."""
        from .. import article_notices

        try:
            self._authorise(by, "take_offline", comment)
            self._move("take_offline", by, comment, stage=Stage.SECURITY, status_note=comment.strip(), changes={"problems": problems or []})
        except ValidationError:
            if by is not None:
                raise
            return False  # withdrawn or changed meanwhile: nothing left to take down
        article_notices.taken_offline(self, problems or [comment])
        return True

    def restore(self, by, comment=""):
        """Put the last sealed version back online, once the security admin has dealt with the cause."""
        self._authorise(by, "restore", comment)
        latest = self._verified_latest_version()
        if latest is None:
            raise ValidationError(_("The sealed versions of this article do not verify; restore the database from a backup first."))
        content = {"title": latest.title, "summary": latest.summary, "body": latest.body}
        screening = self.screen(**content)
        if screening.needs_attention:
            raise screening.error()
        return self._move("restore", by, comment, stage=Stage.SECURITY, status_note="", **content)

    def reopen(self, by, comment=""):
        """A rejected, withdrawn or offline article becomes a draft again (an offline one with its sealed text)."""
        self._authorise(by, "reopen", comment)
        content = {}
        latest = self._verified_latest_version() if self.status == S.OFFLINE else None
        if latest is not None:
            content = {"title": latest.title, "summary": latest.summary, "body": latest.body}
        return self._move("reopen", by, comment, status_note="", held_from="", findings=[], **content)

    def _verified_latest_version(self):
        versions = list(self.versions.order_by("number"))
        if not versions or seal.broken_version(self.uuid, versions) is not None:
            return None
        return versions[-1]

    @classmethod
    def draft_from_document(cls, document, by, organization=None):
        """A draft made from a publicity document of the insights app (its title and paragraphs).

        The document's organization publishes it, else ``organization`` (for an alliance-wide
        document); the document's activity is linked.
        """
        content = document.content or {}
        paragraphs, parts = [], []
        sections = content.get("sections") or []
        for section in sections:
            if len(sections) > 1 and section.get("heading"):
                parts.append(format_html("<h2>{}</h2>", section["heading"]))
            for block in section.get("blocks") or []:
                if block.get("type") == "p" and block.get("text", "").strip():
                    paragraphs.append(block["text"].strip())
                    parts.append(format_html("<p>{}</p>", block["text"].strip()))
                elif block.get("type") == "list" and block.get("items"):
                    parts.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in block["items"]))))
        article = cls(
            title=(content.get("title") or document.title)[:200],
            summary=Truncator(paragraphs[0]).chars(200) if paragraphs else "",
            body="".join(parts),
            organization=document.organization or organization,
            author=by,
        )
        article.full_clean()
        with transaction.atomic():
            article.save()
            if document.activity_id:
                article.activities.add(document.activity_id)
        return article

    def act(self, name, by, **data):
        """Take user transition ``name`` with the data its form or API body carries."""
        if name not in USER_TRANSITIONS:
            raise ValidationError(_("Unknown action."))
        return getattr(self, name)(by, **data)
