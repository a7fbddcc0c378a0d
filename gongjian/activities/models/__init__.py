from .activity import Activity, ActivityPhoto, ActivityQuerySet, Series, reach_for
from .registration import CHECKIN_CODE_ALPHABET, Registration, RegistrationEvent, RegistrationQuerySet

__all__ = [
    "CHECKIN_CODE_ALPHABET",
    "Activity",
    "ActivityPhoto",
    "ActivityQuerySet",
    "Registration",
    "RegistrationEvent",
    "RegistrationQuerySet",
    "Series",
    "reach_for",
]
