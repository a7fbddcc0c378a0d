import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters; the last is a check character over the first 17.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str):
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_ALPHABET for c in code):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (no I, O, S, V, Z)."), code="credit_code_format"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The unified social credit code fails its checksum."), code="credit_code_checksum")


def validate_mainland_phone(value: str):
    digits = (value or "").replace(" ", "").replace("-", "")
    if not digits:
        return
    if not (digits.isdigit() and (len(digits) == 11 and digits.startswith("1") or 7 <= len(digits) <= 12)):
        raise ValidationError(_("Enter a valid phone number, e.g. 13800138000 or 021-57890000."), code="phone")


# A mainland mobile (with or without +86 or 0086), or a run of 15 to 18 digits (an ID number), standing alone.
# An ID number starts with a region code (1-9): a desk line with its extension, such as 021-57890000-8001,
# is as long once its hyphens are gone, but starts with its area code's 0.
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:(?:\+|00)?86)?1[3-9]\d{9}(?!\d)|(?<!\d)[1-9]\d{13,16}[\dX](?!\d)")


def validate_public_contact(value: str):
    """A contact every member of the alliance sees: an office or a desk line, never a person's own number.

    A mobile number (11 digits starting with 1) or an ID number belongs to one person (PIPL),
    so it is refused here; the contact person's own details stay in the scoped fields.
    """
    compact = re.sub(r"[\s\-()（）]", "", value or "").upper()
    if PERSONAL_NUMBER.search(compact):
        raise ValidationError(
            _("Give an office or a desk line (e.g. 党群服务中心 021-57890000), not a personal mobile or ID number."),
            code="public_contact_personal",
        )


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def validate_id_number(value: str):
    code = (value or "").strip().upper()
    if not code:
        return
    if (
        len(code) != 18
        or not code[:17].isdigit()
        or ID_CHECK[sum(int(c) * w for c, w in zip(code[:17], ID_WEIGHTS, strict=True)) % 11] != code[17]
    ):
        raise ValidationError(_("The ID number is not a valid 18-digit resident ID."), code="id_number")
