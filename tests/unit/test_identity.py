import pytest

from contact_centre.domain.contact_details import (
    InvalidContactDetail,
    fold_name,
    format_phone_national,
    name_tokens,
    normalise_email,
    normalise_phone,
)

# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "03 26 69 38 38",
        "+33 3 26 69 38 38",
        "0033326693838",
        "03.26.69.38.38",
        " 0326693838 ",
        "+33 (0)3 26 69 38 38",
    ],
)
def test_french_landline_formats_normalise_to_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+33326693838"


def test_french_mobile() -> None:
    assert normalise_phone("06.12.34.56.78") == "+33612345678"


def test_foreign_number_keeps_its_country() -> None:
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


def test_national_number_of_another_region() -> None:
    assert normalise_phone("020 7946 0958", region="GB") == "+442079460958"


def test_overseas_department_number_typed_from_france() -> None:
    # Réunion numbers are dialled "0692..." from France but live under +262, not +33.
    assert normalise_phone("0692 12 34 56") == "+262692123456"


@pytest.mark.parametrize("raw", ["12", "abc", "", "03 26 69 38", "+33 1"])
def test_invalid_phone_raises_with_french_message(raw: str) -> None:
    with pytest.raises(InvalidContactDetail) as caught:
        normalise_phone(raw)
    assert str(caught.value) == f"Numéro de téléphone invalide : « {raw} »"


def test_invalid_contact_detail_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        normalise_phone("12")


def test_format_french_number_nationally() -> None:
    assert format_phone_national("+33326693838") == "03 26 69 38 38"


def test_format_overseas_number_nationally() -> None:
    assert format_phone_national("+262692123456") == "0692 12 34 56"


def test_format_foreign_number_internationally() -> None:
    assert format_phone_national("+442079460958") == "+44 20 7946 0958"


def test_format_requires_e164() -> None:
    with pytest.raises(InvalidContactDetail, match="Numéro de téléphone invalide"):
        format_phone_national("0326693838")


# --- e-mails -----------------------------------------------------------------------------------


def test_email_domain_is_lower_cased_and_spaces_trimmed() -> None:
    assert normalise_email("  Jean.Dupont@MAIRIE-EXEMPLE.FR ") == "Jean.Dupont@mairie-exemple.fr"


def test_email_with_accented_domain() -> None:
    assert normalise_email("eloise@Exämple.fr") == "eloise@exämple.fr"


@pytest.mark.parametrize("raw", ["x@", "@example.fr", "pas-une-adresse", "", "jean dupont@example.fr", "a@b"])
def test_invalid_email_raises_with_french_message(raw: str) -> None:
    with pytest.raises(InvalidContactDetail) as caught:
        normalise_email(raw)
    assert str(caught.value) == f"Adresse e-mail invalide : « {raw} »"


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Éloïse  DE LA Tour-d'Auvergne ", "eloise de la tour-d'auvergne"),
        ("Œuvre", "oeuvre"),
        ("ß", "ss"),
        ("Lætitia", "laetitia"),
        ("O’Brien", "o'brien"),  # typographic apostrophe
        ("Jean–Pierre", "jean-pierre"),  # en dash
        ("Dupont,Jean", "dupont jean"),
        ("François\u00a0Müller", "francois muller"),  # no-break space
        ("Jean-Pierre II", "jean-pierre ii"),
        ("", ""),
    ],
)
def test_fold_name(raw: str, folded: str) -> None:
    assert fold_name(raw) == folded


def test_fold_name_matches_across_accents_and_case() -> None:
    assert fold_name("HÉLÈNE") == fold_name("helene")


def test_name_tokens_split_on_spaces_hyphens_and_apostrophes() -> None:
    assert name_tokens("  Éloïse  DE LA Tour-d'Auvergne ") == ["eloise", "de", "la", "tour", "d", "auvergne"]


def test_name_tokens_drop_empty_tokens() -> None:
    assert name_tokens(" -- ' ") == []
    assert name_tokens("Jean -- Pierre") == ["jean", "pierre"]
