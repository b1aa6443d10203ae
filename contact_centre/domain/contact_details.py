"""Normalising what citizens give us: phone numbers, e-mail addresses and names.

Phones are stored in E.164 and e-mails in the library's normalised form, so that the same citizen
typing "03 26 69 38 38" or "+33 3 26 69 38 38" is found again. Names get a folded search key that
ignores accents, case and typography ("Éloïse" and "eloise" match).
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidContactDetail(ValueError):
    """A phone number or e-mail address we cannot use; the message is meant for the user."""


# Overseas departments and collectivities that share the French "0" trunk-prefix dialling plan:
# a citizen there types "0692 12 34 56", which libphonenumber only accepts under their own region.
_FRENCH_PLAN_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")

# Letters NFKD does not decompose, and typographic apostrophes/hyphens people paste from Word.
_FOLD_TABLE = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
    }
)
_NOT_KEPT = re.compile(r"[^\w '-]|_")
_TOKEN_SEPARATORS = re.compile(r"[ '-]+")


def _parse_valid(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(raw: str, region: str = "FR") -> str:
    """E.164 form ("+33326693838") of a number typed in any usual way; national numbers use `region`."""
    text = raw.strip()
    regions = _FRENCH_PLAN_REGIONS if region == "FR" else (region,)
    for candidate in regions:
        number = _parse_valid(text, candidate)
        if number is not None:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidContactDetail(f"Numéro de téléphone invalide : « {text} »")


def format_phone_national(e164: str) -> str:
    """How a French agent dials it: "03 26 69 38 38" in the French plan, "+44 20 ..." otherwise."""
    number = _parse_valid(e164.strip(), "ZZ")  # "ZZ": unknown region, so a leading "+" is required
    if number is None:
        raise InvalidContactDetail(f"Numéro de téléphone invalide : « {e164.strip()} »")
    in_french_plan = phonenumbers.region_code_for_number(number) in _FRENCH_PLAN_REGIONS
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if in_french_plan
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def normalise_email(raw: str) -> str:
    """Syntax-checked, normalised address (domain lower-cased, local part kept); no DNS lookup."""
    text = raw.strip()
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidContactDetail(f"Adresse e-mail invalide : « {text} »") from exc


def fold_name(text: str) -> str:
    """Accent-, case- and typography-insensitive search key: "  Éloïse  DE LA Tour" -> "eloise de la tour"."""
    # NFKD on both sides of casefold: casefold may produce new combining marks ("İ" -> "i̇") and
    # NFKD may produce upper case ("ℌ" -> "H").
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").translate(_FOLD_TABLE)
    # Other punctuation becomes a space rather than vanishing, so "Dupont,Jean" stays two words.
    return " ".join(_NOT_KEPT.sub(" ", bare).split())


def name_tokens(text: str) -> list[str]:
    """Words of the folded name, split on spaces, hyphens, apostrophes: "d'Auvergne" -> ["d", "auvergne"]."""
    return [token for token in _TOKEN_SEPARATORS.split(fold_name(text)) if token]
