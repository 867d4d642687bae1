"""The billing rules, without the database: rounding, prices by quotient familial, numbers, allocation."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from espace_facturation import rules
from espace_facturation.models import InvoiceState
from espace_famille.planning.rules import day_price

D = Decimal
BANDS = [(500, D("1.20")), (1000, D("1.80")), (None, D("2.40"))]


def test_money_rounds_half_up_to_the_cent():
    assert rules.money("2.345") == D("2.35") and rules.money("2.344") == D("2.34") and rules.money("0.005") == D("0.01")


@pytest.mark.parametrize(
    ("quotient", "price"),
    [(None, "2.10"), (0, "1.20"), (500, "1.20"), (501, "1.80"), (1000, "1.80"), (1001, "2.40"), (99999, "2.40")],
)
def test_the_price_follows_the_quotient_bands_and_the_activity_price_without_quotient(quotient, price):
    assert day_price(base=D("2.10"), bands=BANDS, quotient=quotient) == D(price)


def test_the_bands_may_come_in_any_order():
    assert day_price(base=D("2.10"), bands=list(reversed(BANDS)), quotient=700) == D("1.80")


def test_without_an_open_band_a_high_quotient_pays_the_activity_price():
    assert day_price(base=D("2.10"), bands=BANDS[:2], quotient=5000) == D("2.10")


def test_a_line_amount_is_rounded_once_on_the_total():
    assert rules.line_amount(quantity=D("3"), unit=D("1.333")) == D("4.00")
    assert rules.line_amount(quantity=D("12"), unit=D("2.10")) == D("25.20")


def test_numbers_read_like_the_guides():
    assert rules.invoice_number(year=2018, sequence=2544) == "2018-2544"
    assert rules.invoice_number(year=2026, sequence=7) == "2026-0007"


@pytest.mark.parametrize(
    ("amount", "settled", "state"),
    [("10", "0", InvoiceState.TO_PAY), ("10", "4", InvoiceState.PARTIAL), ("10", "10", InvoiceState.PAID)],
)
def test_an_invoice_state_follows_what_was_settled(amount, settled, state):
    assert rules.invoice_state(amount=D(amount), settled=D(settled)) == state


def test_a_payment_goes_to_the_oldest_invoices_first_and_what_is_left_stays():
    left = [(1, D("6.50")), (2, D("65.00")), (3, D("43.00"))]
    assert rules.allocate(amount=D("70"), left=left) == [(1, D("6.50")), (2, D("63.50"))]
    assert rules.allocate(amount=D("200"), left=left) == left


def test_month_bounds_and_due_date():
    assert rules.month_bounds(date(2024, 2, 14)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert rules.due_date(issued_on=date(2018, 12, 7), days=35) == date(2019, 1, 11)


@given(
    amount=st.decimals(min_value=0, max_value=10000, places=2),
    dues=st.lists(st.decimals(min_value="0.01", max_value=1000, places=2), max_size=8),
)
def test_an_allocation_never_exceeds_the_payment_nor_what_each_invoice_owes(amount, dues):
    left = list(enumerate(dues))
    shares = rules.allocate(amount=amount, left=left)
    assert sum((share for _, share in shares), D(0)) <= amount
    assert all(0 < share <= dict(left)[pk] for pk, share in shares)


def test_a_credit_note_is_shared_between_accounts_to_the_cent():
    shares = rules.prorata(amount=Decimal("2.00"), weights=[Decimal("8.40"), Decimal("14.00"), Decimal("4.00")])
    assert shares == [Decimal("0.64"), Decimal("1.06"), Decimal("0.30")] and sum(shares) == Decimal("2.00")
    assert rules.prorata(amount=Decimal("0.01"), weights=[Decimal("1"), Decimal("1")]) == [Decimal("0.01"), 0]
    assert rules.prorata(amount=Decimal("5.00"), weights=[Decimal("0"), Decimal("0")]) == [Decimal("5.00"), 0]
    assert rules.prorata(amount=Decimal("5.00"), weights=[]) == []


def test_money_comes_in_and_goes_out_on_the_regies_own_accounts():
    accounts = {"cash": "531", "cheques": "5112", "bank": "515"}
    assert rules.treasury_account(kind="cash", **accounts) == "531"
    assert rules.treasury_account(kind="cheque", **accounts) == "5112"
    assert rules.treasury_account(kind="online", **accounts) == "515"
    assert rules.treasury_account(kind="debit", **accounts) == "515"
    # A cheque the régie writes (a refund) is drawn on its bank account.
    assert rules.treasury_account(kind="cheque", outgoing=True, **accounts) == "515"
    assert rules.treasury_account(kind="transfer", outgoing=True, **accounts) == "515"


def test_an_invoice_is_never_settled_beyond_its_amount():
    assert rules.settled_at(amount=Decimal("26.40"), contributions=Decimal("30.00")) == Decimal("26.40")
    assert rules.settled_at(amount=Decimal("26.40"), contributions=Decimal("10.00")) == Decimal("10.00")


@given(
    st.decimals(min_value=0, max_value=10_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=1_000, places=2), min_size=1, max_size=8),
)
def test_the_shares_of_a_credit_note_always_add_up_to_it(amount, weights):
    shares = rules.prorata(amount=amount, weights=weights)
    assert sum(shares) == amount and all(share >= 0 for share in shares)
