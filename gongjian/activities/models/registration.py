"""Registrations with CiviCRM's counted statuses, and their history."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import scope_for
from gongjian.lib.effective import Floor, audit_changes, effective_moment
from gongjian.lib.models import TrackedModel

from ..choices import COUNTED_STATUSES, RegistrationStatus

# No 0/O, 1/I/L: the code is read aloud and typed on a phone.
CHECKIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 6

Status = RegistrationStatus

FUTURE = _("The effective date cannot be in the future.")

# For each status, the statuses it may be reached from; anything else is refused with a clear message.
TRANSITIONS = {
    Status.REGISTERED: {Status.WAITLISTED, Status.CANCELLED, Status.ATTENDED, Status.NO_SHOW},
    Status.WAITLISTED: {Status.CANCELLED},
    Status.CANCELLED: {Status.REGISTERED, Status.WAITLISTED},
    Status.ATTENDED: {Status.REGISTERED, Status.NO_SHOW},
    Status.NO_SHOW: {Status.REGISTERED},
}


def new_code() -> str:
    return "".join(secrets.choice(CHECKIN_CODE_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


def normalise_code(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "").replace("-", "")


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Your own registrations, those of activities you run and those of organizations you administer."""
        scope = scope_for(user)
        if scope.everything:
            return self
        if not user.is_authenticated:
            return self.none()
        q = models.Q(activity__host__in=scope.editable) | models.Q(organization__in=scope.editable)
        if user.person_id:
            q |= models.Q(person_id=user.person_id)
        return self.filter(q)

    def editable_by(self, user):
        """Who may cancel: the person, admins of the organization registered for, and the activity's organizers."""
        return self.visible_to(user)

    def counted(self):
        return self.filter(status__in=COUNTED_STATUSES)

    def active(self):
        return self.exclude(status=Status.CANCELLED)

    def register_many(self, activity, people, *, by=None, organization=None):
        """Register people for an activity; beyond capacity they join the waitlist.

        The activity row is locked (SELECT ... FOR UPDATE; SQLite's IMMEDIATE
        transactions serialise writers the same way) before the places are
        counted, so two people can never take the last place together.

        Without a waitlist (hard capacity) a group that does not fit in the free
        places is refused as a whole, with code "full": the org admin chooses who
        goes, rather than the order of the checkboxes.
        """
        created = []
        with transaction.atomic():
            # activity.py imports this module; the activity's own class locks its row.
            locked = type(activity).objects.select_for_update().get(pk=activity.pk)
            state = locked.registration_state()
            if state == "not_yet":
                raise ValidationError(_("Registration has not opened yet."), code="not_open")
            if state == "closed":
                raise ValidationError(_("Registration has closed."), code="closed")
            if state == "cancelled":
                raise ValidationError(_("This activity is not taking registrations."), code="cancelled")
            taken = Registration.objects.filter(activity=locked, status__in=COUNTED_STATUSES).count()
            existing = {r.person_id: r for r in Registration.objects.filter(activity=locked, person__in=[p.pk for p in people])}
            for person in people:
                registration = existing.get(person.pk)
                if registration is not None and registration.status != Status.CANCELLED:
                    raise ValidationError(
                        _("%(name)s is already registered for this activity.") % {"name": person.name}, code="duplicate"
                    )
            if not locked.waitlist_enabled and locked.capacity is not None and taken + len(people) > locked.capacity:
                raise ValidationError(full_message(locked.capacity - taken, len(people)), code="full")
            for person in people:
                status = Status.REGISTERED if locked.capacity is None or taken < locked.capacity else Status.WAITLISTED
                registration = existing.get(person.pk)
                org_id = organization.pk if organization is not None else default_organization_id(person)
                if registration is None:
                    registration = self._create(locked, person, status, org_id, by)
                else:
                    # Coming back after cancelling: the same row, so the history stays in one place.
                    Registration.objects.filter(pk=registration.pk).update(organization_id=org_id, registered_by=by)
                    registration.organization_id, registration.registered_by = org_id, by
                    registration._set_status(Status.CANCELLED, status, by=by)
                if status == Status.REGISTERED:
                    taken += 1
                registration.activity = locked
                created.append(registration)
            from .. import notices

            transaction.on_commit(lambda: notices.registered(created))
        return created

    def _create(self, activity, person, status, organization_id, by):
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        activity=activity, person=person, status=status, organization_id=organization_id, registered_by=by, code=new_code()
                    )
            except IntegrityError:
                # Two codes collided (1 in ~900 million); draw again. A duplicate person is caught before this.
                if Registration.objects.filter(activity=activity, person=person).exists():
                    raise ValidationError(_("%(name)s is already registered for this activity.") % {"name": person.name}, code="duplicate")
                continue
            RegistrationEvent.objects.create(registration=registration, from_status="", to_status=status, actor=by)
            return registration
        raise ValidationError(_("Could not issue a check-in code; please try again."))

    def promote_waitlisted(self, locked_activity, *, by=None):
        """Fill free places from the waitlist, first come first served. Call with the activity row locked."""
        activity = locked_activity
        if activity.is_cancelled or activity.starts_at <= timezone.now():
            return []
        promoted = []
        taken = Registration.objects.filter(activity=activity, status__in=COUNTED_STATUSES).count()
        # Queue order is when each joined the waitlist: someone re-registering after cancelling goes to the back.
        queue = Registration.objects.filter(activity=activity, status=Status.WAITLISTED).order_by("status_changed_at", "pk")
        for registration in queue.select_related("person"):
            if activity.capacity is not None and taken >= activity.capacity:
                break
            if registration._set_status(Status.WAITLISTED, Status.REGISTERED, by=by, note="promoted"):
                registration.activity = activity
                promoted.append(registration)
                taken += 1
        if promoted:
            from .. import notices

            transaction.on_commit(lambda: notices.promoted(promoted))
        return promoted


def full_message(free, wanted):
    """Why a registration without a waitlist is refused: no place left, or fewer than the group needs."""
    if free <= 0:
        return _("The activity is full and has no waitlist.")
    return _("Only %(free)s places are left, not enough for %(wanted)s people; the activity has no waitlist.") % {"free": free, "wanted": wanted}


def default_organization_id(person):
    """The organization a self-registration counts for: the person's first current membership."""
    from gongjian.orgs.models import Membership

    return Membership.objects.current().filter(person=person).order_by("organization__path").values_list("organization_id", flat=True).first()


class Registration(TrackedModel):
    """One person's place at an activity.

    Statuses follow CiviCRM: ``registered`` and ``attended`` hold a place,
    ``waitlisted`` waits for one, ``cancelled`` and ``no_show`` do not count.
    Each has a short code an organizer can type in at check-in.

    Effective dates (补录): an organizer may record a check-in after the fact (a paper
    sign-in sheet, a no-show who did come). Its time is never in the future, never before
    check-in opened (the activity's start minus ACTIVITIES_CHECKIN_OPENS_BEFORE) nor after it
    closed, and never before the person held a place. ``checked_in_at``, ``status_changed_at``
    and the event's ``at`` hold that time; the event's ``recorded_at`` and the audit record
    the real time. Check-ins at the venue are stamped with the real time.
    """

    Status = RegistrationStatus

    activity = models.ForeignKey("activities.Activity", verbose_name=_("activity"), on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey("orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="activity_registrations")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_registrations",
        help_text=_("The organization the person takes part for."),
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices, default=Status.REGISTERED)
    code = models.CharField(_("check-in code"), max_length=8, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # Set when the 24-hour reminder went out, so the reminder job never sends twice.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    audit_ignored = ("updated_at", "created_at", "reminded_at")

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="activities_registration_unique_person"),
            models.UniqueConstraint(fields=["activity", "code"], name="activities_registration_unique_code"),
            models.CheckConstraint(condition=models.Q(status__in=RegistrationStatus.values), name="activities_registration_status_valid"),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "status_changed_at"]),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self):
        return f"{self.person} @ {self.activity}"

    def get_absolute_url(self):
        return reverse("activities:detail", kwargs={"uuid": self.activity.uuid})

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_STATUSES

    def _set_status(self, old, new, *, by=None, note="", at=None, **extra) -> bool:
        """Compare-and-set the status; on success write the history row and the audit entry.

        ``at`` is when the change took effect (default now), already checked by the caller.
        """
        if new not in TRANSITIONS or old not in TRANSITIONS[new]:
            raise ValidationError(
                _("A registration cannot go from %(old)s to %(new)s.") % {"old": Status(old).label, "new": Status(new).label}
            )
        now = timezone.now()
        at = at or now
        with transaction.atomic():
            updated = Registration.objects.filter(pk=self.pk, status=old).update(status=new, status_changed_at=at, updated_at=now, **extra)
            if not updated:
                # Someone else changed it first; the caller decides whether that matters.
                return False
            RegistrationEvent.objects.create(registration=self, from_status=old, to_status=new, actor=by, note=note[:200], at=at)
            from gongjian.audit.models import Action
            from gongjian.audit.recording import record

            changes = {"status": [old, new], **{key: [None, None if value is None else str(value)] for key, value in extra.items()}, **audit_changes(at)}
            record(Action.UPDATE, self, changes=changes, actor=by)
        self.status, self.status_changed_at = new, at
        for key, value in extra.items():
            setattr(self, key, value)
        return True

    def cancel(self, *, by=None):
        """Give up the place (or the waitlist spot); the first waitlisted person moves up."""
        with transaction.atomic():
            # The related model, not an import: activity.py imports this module.
            activity = self._meta.get_field("activity").related_model.objects.select_for_update().get(pk=self.activity_id)
            if activity.has_ended:
                raise ValidationError(_("The activity is over; its registrations can no longer be cancelled."))
            current = Registration.objects.get(pk=self.pk).status
            if current not in (Status.REGISTERED, Status.WAITLISTED):
                raise ValidationError(_("Only a registered or waitlisted place can be cancelled (this one is %(status)s).") % {"status": Status(current).label})
            self._set_status(current, Status.CANCELLED, by=by)
            self.activity = activity
            promoted = Registration.objects.promote_waitlisted(activity, by=by) if current == Status.REGISTERED else []
            from .. import notices

            transaction.on_commit(lambda: notices.cancelled(self, by=by))
        return promoted

    def check_in(self, *, by=None, now=None, effective_at=None) -> bool:
        """Mark the person present. True if this call checked them in; a second check-in changes nothing.

        ``effective_at`` records, after the fact, when an organizer saw the person come (see the class docstring).
        """
        if effective_at is not None:
            return self._check_in_after_the_fact(effective_at, by=by, now=now)
        now = now or timezone.now()
        activity = self.activity
        if not activity.is_checkin_open(now):
            opens, closes = activity.checkin_window()
            raise ValidationError(
                _("Check-in is open from %(opens)s to %(closes)s.")
                % {"opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"), "closes": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")},
                code="window",
            )
        if self.status == Status.ATTENDED:
            return False
        if self.status != Status.REGISTERED:
            raise ValidationError(
                _("%(name)s has no confirmed place (status: %(status)s).") % {"name": self.person.name, "status": Status(self.status).label},
                code="not_registered",
            )
        changed = self._set_status(Status.REGISTERED, Status.ATTENDED, by=by, checked_in_at=now)
        if not changed:
            # A parallel check-in won; reload so the caller sees the final state.
            self.refresh_from_db(fields=["status", "checked_in_at"])
        return changed

    def held_place_since(self):
        """When the person last got a place (registered or promoted), as its history says."""
        rows = self.events.filter(to_status=Status.REGISTERED).order_by("-at", "-pk")
        return rows.values_list("at", flat=True).first() or self.created_at

    def _check_in_after_the_fact(self, effective_at, *, by=None, now=None) -> bool:
        activity = self.activity
        if activity.is_cancelled:
            raise ValidationError(_("This activity was cancelled; nobody can check in."), code="cancelled")
        current = Registration.objects.filter(pk=self.pk).values_list("status", flat=True).get()
        if current == Status.ATTENDED:
            return False
        if current not in (Status.REGISTERED, Status.NO_SHOW):
            raise ValidationError(
                _("%(name)s has no confirmed place (status: %(status)s).") % {"name": self.person.name, "status": Status(current).label},
                code="not_registered",
            )
        opens, closes = activity.checkin_window()
        at = effective_moment(
            effective_at,
            Floor(opens, _("A check-in cannot be dated before check-in opened (%(date)s).")),
            Floor(self.held_place_since(), _("A check-in cannot be dated before the person had a place (%(date)s).")),
            future=FUTURE,
            now=now,
        )
        if at > closes:
            message = _("A check-in cannot be dated after check-in closed (%(date)s).") % {
                "date": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")
            }
            raise ValidationError({"effective_at": ValidationError(message, code="after_window")})
        changed = self._set_status(current, Status.ATTENDED, by=by, at=at, checked_in_at=at)
        if not changed:
            self.refresh_from_db(fields=["status", "checked_in_at"])
        return changed

    def undo_check_in(self, *, by=None) -> bool:
        return self._set_status(Status.ATTENDED, Status.REGISTERED, by=by, checked_in_at=None)


class RegistrationEvent(models.Model):
    """One status change of a registration: the history and the trigger for notices.

    Status changes go through compare-and-set updates that bypass model signals,
    so this row (plus an audit record) is their trace. ``at`` is when the change took
    effect, which may be before it was entered (补录); ``recorded_at`` is when it was entered.
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("previous status"), max_length=12, blank=True)
    to_status = models.CharField(_("new status"), max_length=12)
    at = models.DateTimeField(_("changed at"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("registration note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.registration_id}: {self.from_status or '-'} → {self.to_status}"
