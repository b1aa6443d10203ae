from contact_centre.domain.references import format_reference, parse_reference


def test_format_pads_to_six_digits():
    assert format_reference(2026, 123) == "GRC-2026-000123"
    assert format_reference(2027, 999999) == "GRC-2027-999999"


def test_parse_finds_a_reference_in_free_text_whatever_the_case():
    assert parse_reference("Re: votre demande grc-2026-000123 du 3 mars") == "GRC-2026-000123"
    assert parse_reference("Objet : GRC-2026-000042.") == "GRC-2026-000042"


def test_parse_ignores_near_misses():
    assert parse_reference("GRC-26-000123") is None
    assert parse_reference("GRC-2026-00012") is None
    assert parse_reference("XGRC-2026-0001234") is None
    assert parse_reference("") is None
