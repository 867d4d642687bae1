"""Numbers and dates typed in an address: a value in range or None, whatever they hold."""

from datetime import date

import pytest

from commun.parsing import LARGEST_ID, parse_date, parse_id


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-09-14", date(2026, 9, 14)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2199-12-31", date(2199, 12, 31)),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("2026-09-14\x00", None),
        ("9" * 5000, None),
    ],
)
def test_a_date_is_read_only_within_the_portals_window(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("42", 42),
        (42, 42),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("1\x00", None),
        ("\x00", None),
        ("١٢", None),
        ("9" * 5000, None),
        (None, None),
        (True, None),
    ],
)
def test_an_identifier_is_a_positive_64_bit_number_or_nothing(raw, expected):
    assert parse_id(raw) == expected
