"""Activities of all three tracks, their series and photos."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import ScopedQuerySet, scope_for
from gongjian.lib.models import ArchivableModel, ArchivableQuerySet, TitleSearchQuerySet, TrackedModel
from gongjian.lib.richtext import clean_html

from ..choices import COUNTED_STATUSES, ActivityKind, RegistrationStatus, Track
from ..uploads import photo_path, private_storage
from .registration import Registration, normalise_code


def reach_for(user):
    """Organizations whose activities reach the user: their scope plus every organization above it.

    An invitation to the college's 党委 reaches the members of its branches. The
    ancestors of a scope are those of the user's own memberships (an admin's
    subtree adds no new ones), which scope_for reads from the paths it already loads.
    A QuerySet of ids, for ``__in`` lookups.
    """
    return scope_for(user).reach


def _token():
    return secrets.token_urlsafe(18)


class SeriesQuerySet(ScopedQuerySet):
    scope_lookup = "organization"

    def visible_to(self, user):
        # A series is a catalogue heading (e.g. "熔·融" 系列宣讲): every signed-in user may see its name.
        return self if user.is_authenticated else self.none()


class Series(TrackedModel):
    """A named run of activities, e.g. the "熔·融" lecture series."""

    name = models.CharField(_("name"), max_length=120)
    track = models.CharField(_("track"), max_length=8, choices=Track.choices, default=Track.STUDY)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="activity_series"
    )
    description = models.TextField(_("description"), blank=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="activities_series_unique_name"),
            models.CheckConstraint(condition=models.Q(track__in=Track.values), name="activities_series_track_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:series_detail", kwargs={"uuid": self.uuid})


class ActivityQuerySet(ScopedQuerySet, ArchivableQuerySet, TitleSearchQuerySet):
    """Editable by admins of the host (and above); visible to the organizations it reaches."""

    scope_lookup = "host"

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self
        if not user.is_authenticated:
            return self.none()
        reach = reach_for(user)
        through = Activity.co_hosts.through, Activity.invited_orgs.through
        q = (
            models.Q(invite_alliance=True)
            | models.Q(host__in=reach)
            | models.Q(pk__in=through[0].objects.filter(organization_id__in=reach).values("activity_id"))
            | models.Q(pk__in=through[1].objects.filter(organization_id__in=reach).values("activity_id"))
        )
        if user.person_id:
                # Speakers and people already registered keep seeing their activities.
            q |= models.Q(pk__in=Activity.speakers.through.objects.filter(person_id=user.person_id).values("activity_id"))
            q |= models.Q(pk__in=Registration.objects.filter(person_id=user.person_id).values("activity_id"))
        return self.filter(q)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def for_organization(self, organization):
        """Hosted, co-hosted or invited: the activities an organization (or a QuerySet of them) takes part in by design."""
        orgs = organization if isinstance(organization, models.QuerySet) else [organization]
        return self.filter(
            models.Q(host__in=orgs)
            | models.Q(pk__in=Activity.co_hosts.through.objects.filter(organization__in=orgs).values("activity_id"))
            | models.Q(pk__in=Activity.invited_orgs.through.objects.filter(organization__in=orgs).values("activity_id"))
        )

    def for_person(self, person):
        """Activities a person registered for (not cancelled) or speaks at."""
        registered = Registration.objects.filter(person=person).exclude(status=RegistrationStatus.CANCELLED)
        return self.filter(
            models.Q(pk__in=registered.values("activity_id"))
            | models.Q(pk__in=Activity.speakers.through.objects.filter(person=person).values("activity_id"))
        )

    def with_counts(self):
        """Annotate the places taken and the waitlist length.

        Each is a correlated ``SELECT COUNT(*)`` over the registrations index of the
        listed activity (no GROUP BY, no join that would multiply the rows).
        """
        def count_of(statuses):
            rows = Registration.objects.filter(activity=models.OuterRef("pk"), status__in=statuses).order_by()
            count = models.Func(models.Value(1), function="COUNT", output_field=models.IntegerField())
            return models.Subquery(rows.annotate(n=count).values("n"), output_field=models.IntegerField())

        return self.annotate(taken=count_of(list(COUNTED_STATUSES)), waiting=count_of([RegistrationStatus.WAITLISTED]))


class Activity(ArchivableModel, TrackedModel):
    """An event of any track: a lecture, a paired study, a roundtable, a research visit, a group service, ...

    Times are stored in UTC and shown in Asia/Shanghai. Registration follows
    CiviCRM's counted statuses (see Registration); capacity is enforced under a
    row lock on the activity, so concurrent sign-ups never overbook.

    Hard capacity: with ``waitlist_enabled`` off, a registration beyond capacity is
    refused (名额已满) instead of joining the waitlist. Turning the waitlist off is
    refused while anyone is on it: those people were told they would move up
    automatically, and a hidden queue behind a "full" page would surprise everyone
    else. The organizer keeps the waitlist until it empties, or cancels the waiting
    registrations (which notifies each person) and then turns it off.
    """

    Kind = ActivityKind
    Track = Track

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    track = models.CharField(_("track"), max_length=8, choices=Track.choices)
    series = models.ForeignKey(Series, verbose_name=_("series"), null=True, blank=True, on_delete=models.PROTECT, related_name="activities")
    host = models.ForeignKey("orgs.Organization", verbose_name=_("host"), on_delete=models.PROTECT, related_name="hosted_activities")
    co_hosts = models.ManyToManyField("orgs.Organization", verbose_name=_("co-hosts"), blank=True, related_name="cohosted_activities")
    speakers = models.ManyToManyField("orgs.Person", verbose_name=_("speakers"), blank=True, related_name="speaking_activities")
    invited_orgs = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("invited organizations"), blank=True, related_name="invited_activities"
    )
    invite_alliance = models.BooleanField(
        _("invite the whole alliance"), default=False, help_text=_("Every organization in the alliance may see it and register.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit."))
    waitlist_enabled = models.BooleanField(
        _("allow a waitlist"),
        default=True,
        help_text=_("When the activity is full, further registrations join a waitlist. Turn off to refuse them."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"), null=True, blank=True, help_text=_("Leave empty to open registration right away.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True, help_text=_("Leave empty to close registration when the activity starts.")
    )
    practice_base = models.ForeignKey(
        "agreements.PracticeBase",
        verbose_name=_("practice base"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities_held",
        help_text=_("Where it takes place, if at one of the alliance's practice bases."),
    )
    description = models.TextField(_("description"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Rich text; scripts and styles are removed."))
    outcomes = models.TextField(_("outcomes"), blank=True)
    attendee_count = models.PositiveIntegerField(
        _("attendee count"), null=True, blank=True, help_text=_("Leave empty to use the number of check-ins.")
    )
    # The secret in the printable QR code's URL: only someone at the venue has it.
    checkin_token = models.CharField(max_length=32, default=_token, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)

    objects = ActivityQuerySet.as_manager()

    audit_ignored = ("updated_at", "created_at", "checkin_token")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="activities_activity_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0), name="activities_activity_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="activities_activity_registration_window_ordered",
            ),
            models.CheckConstraint(condition=models.Q(track__in=Track.values), name="activities_activity_track_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=ActivityKind.values), name="activities_activity_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["track", "starts_at"]),
            models.Index(fields=["host", "starts_at"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:detail", kwargs={"uuid": self.uuid})

    # --- validation ---------------------------------------------------------

    def clean(self):
        self.minutes = clean_html(self.minutes)
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = _("Registration cannot close after the activity ends.")
        if self.series_id and self.track and self.series.track != self.track:
            errors["series"] = _("The series belongs to another track.")
        if self.pk and self.capacity is not None:
            taken = self.registrations.filter(status__in=COUNTED_STATUSES).count()
            if self.capacity < taken:
                errors["capacity"] = self._capacity_error(taken)
        if self.pk and not self.waitlist_enabled:
            waiting = self.registrations.filter(status=RegistrationStatus.WAITLISTED).count()
            if waiting:
                errors["waitlist_enabled"] = self._waitlist_error(waiting)
        if errors:
            raise ValidationError(errors)

    def clean_relations(self, co_hosts=(), speakers=()):
        """Rules on the many-to-many fields, which Model.clean() cannot see before they are saved."""
        errors = {}
        if any(org.pk == self.host_id for org in co_hosts):
            errors["co_hosts"] = _("The host cannot also be a co-host.")
        not_speakers = [p.name for p in speakers if not p.is_speaker]
        if not_speakers:
            errors["speakers"] = _("Not in the expert pool: %(names)s.") % {"names": "、".join(not_speakers)}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Sanitised on every write, not only through forms: the API and demo loaders write here too.
        self.minutes = clean_html(self.minutes)
        with transaction.atomic():
            self._check_under_lock()
            super().save(*args, **kwargs)

    @staticmethod
    def _capacity_error(taken):
        return _("%(taken)s people already hold a place; the capacity cannot be lower.") % {"taken": taken}

    @staticmethod
    def _waitlist_error(waiting):
        return _("%(n)s people are on the waitlist; cancel their registrations before turning the waitlist off.") % {"n": waiting}

    def _check_under_lock(self):
        """Fewer places, or the waitlist turned off: recount under the row lock that registrations take.

        clean() counts without it, so a registration committed between clean() and the save would
        otherwise leave more places taken than the new capacity, or someone waitlisted on an activity
        without a waitlist (SECURITY.md item 18). Other changes cannot break either rule.
        """
        if self.pk is None:
            return
        stored = Activity.objects.filter(pk=self.pk).values("capacity", "waitlist_enabled").first()
        if stored is None:
            return
        fewer_places = self.capacity is not None and (stored["capacity"] is None or self.capacity < stored["capacity"])
        waitlist_off = stored["waitlist_enabled"] and not self.waitlist_enabled
        if not (fewer_places or waitlist_off):
            return
        list(Activity.objects.select_for_update().filter(pk=self.pk).values_list("pk", flat=True))  # the lock register_many takes
        errors = {}
        taken = self.registrations.filter(status__in=COUNTED_STATUSES).count()
        if self.capacity is not None and self.capacity < taken:
            errors["capacity"] = self._capacity_error(taken)
        waiting = self.registrations.filter(status=RegistrationStatus.WAITLISTED).count()
        if not self.waitlist_enabled and waiting:
            errors["waitlist_enabled"] = self._waitlist_error(waiting)
        if errors:
            raise ValidationError(errors)

    # --- state --------------------------------------------------------------

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def registration_closes(self):
        return self.registration_closes_at or self.starts_at

    def registration_state(self, now=None) -> str:
        """ "open", "not_yet", "closed" or "cancelled"."""
        now = now or timezone.now()
        if self.is_cancelled or self.is_archived:
            return "cancelled"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if now >= self.registration_closes:
            return "closed"
        return "open"

    def is_registration_open(self, now=None) -> bool:
        return self.registration_state(now) == "open"

    def checkin_window(self):
        before = getattr(settings, "ACTIVITIES_CHECKIN_OPENS_BEFORE", timedelta(hours=2))
        after = getattr(settings, "ACTIVITIES_CHECKIN_CLOSES_AFTER", timedelta(hours=2))
        return self.starts_at - before, self.ends_at + after

    def is_checkin_open(self, now=None) -> bool:
        now = now or timezone.now()
        opens, closes = self.checkin_window()
        return not self.is_cancelled and opens <= now <= closes

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    def places_taken(self) -> int:
        return self.registrations.filter(status__in=COUNTED_STATUSES).count()

    def checked_in_count(self) -> int:
        return self.registrations.filter(status=RegistrationStatus.ATTENDED).count()

    def attendance(self) -> int:
        """The recorded attendee count, or the check-ins when none was entered."""
        return self.attendee_count if self.attendee_count is not None else self.checked_in_count()

    def organizations(self):
        """Host first, then co-hosts, for display."""
        return [self.host, *self.co_hosts.all()]

    def can_edit(self, user) -> bool:
        return scope_for(user).can_edit(self.host_id)

    # --- verbs --------------------------------------------------------------

    def register(self, person, *, by=None, organization=None):
        """Register one person; see Registration.objects.register_many."""
        return Registration.objects.register_many(self, [person], by=by, organization=organization)[0]

    def fill_from_waitlist(self, by=None):
        """Promote waitlisted people into free places (after a capacity increase)."""
        with transaction.atomic():
            locked = Activity.objects.select_for_update().get(pk=self.pk)
            return Registration.objects.promote_waitlisted(locked, by=by)

    def cancel(self, *, by=None, reason=""):
        """Call the activity off: every registration is cancelled and its holder told."""
        with transaction.atomic():
            if not Activity.objects.filter(pk=self.pk, cancelled_at__isnull=True).update(cancelled_at=timezone.now()):
                raise ValidationError(_("This activity has already been cancelled."))
            self.refresh_from_db(fields=["cancelled_at"])
            open_ones = self.registrations.filter(status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED])
            cancelled = [
                r for r in open_ones.select_related("person") if r._set_status(r.status, RegistrationStatus.CANCELLED, by=by, note=reason)
            ]
            from gongjian.audit.models import Action
            from gongjian.audit.recording import record

            record(Action.UPDATE, self, changes={"cancelled_at": [None, str(self.cancelled_at)], "reason": reason})
            from .. import notices

            transaction.on_commit(lambda: notices.activity_cancelled(self, cancelled, reason))
        return Registration.objects.filter(pk__in=[r.pk for r in cancelled])

    def mark_no_shows(self, *, by=None) -> int:
        """After the activity, everyone still only registered did not come."""
        if not self.has_ended:
            raise ValidationError(_("No-shows can only be recorded after the activity has ended."))
        with transaction.atomic():
            rows = list(Registration.objects.filter(activity=self, status=RegistrationStatus.REGISTERED))
            return sum(1 for r in rows if r._set_status(RegistrationStatus.REGISTERED, RegistrationStatus.NO_SHOW, by=by))

    def check_in_code(self, code: str, *, by=None, now=None, effective_at=None):
        """The organizer typed a registration's short code: (registration, changed); ``effective_at`` dates it after the fact."""
        registration = Registration.objects.filter(activity=self, code=normalise_code(code)).select_related("person").first()
        if registration is None:
            raise ValidationError(_("No registration for this activity has the code %(code)s.") % {"code": code})
        registration.activity = self
        return registration, registration.check_in(by=by, now=now, effective_at=effective_at)


class ActivityPhoto(TrackedModel):
    """A photo of an activity, validated by content (JPEG or PNG) and stored under a random name."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path, storage=private_storage, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(max_length=40, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # The audit diff cannot serialise a FieldFile; the stored name is random anyway, type and size are recorded.
    audit_ignored = ("updated_at", "created_at", "image")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.caption or str(_("Photo of %(activity)s") % {"activity": self.activity})

    def clean(self):
        from ..uploads import validate_photo

        if self.image and not self.pk:
            try:
                self.content_type, self._sniffed_extension = validate_photo(self.image)
            except ValidationError as e:
                raise ValidationError({"image": e.messages})
            self.size = self.image.size or 0

    def get_absolute_url(self):
        return reverse("activities:photo", kwargs={"uuid": self.uuid})
