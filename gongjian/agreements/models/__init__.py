"""Agreements, pairings, alliances, practice bases and honours."""

from .agreement import (
    DATED_TRANSITIONS,
    TRANSITIONS,
    USER_TRANSITIONS,
    Agreement,
    AgreementAttachment,
    AgreementEvent,
    AgreementEvidence,
    AgreementParty,
    AgreementQuerySet,
    Obligation,
    Rating,
    Transition,
)
from .network import Alliance, AllianceMember, Honor, HonorRecipient, Pairing, PracticeBase

__all__ = [
    "DATED_TRANSITIONS",
    "TRANSITIONS",
    "USER_TRANSITIONS",
    "Agreement",
    "AgreementAttachment",
    "AgreementEvent",
    "AgreementEvidence",
    "AgreementParty",
    "AgreementQuerySet",
    "Alliance",
    "AllianceMember",
    "Honor",
    "HonorRecipient",
    "Obligation",
    "Pairing",
    "PracticeBase",
    "Rating",
    "Transition",
]
