"""Property tests (hypothesis): allocation invariants."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import cie_pagamenti as c

PRICE = Decimal("16.79")
START = datetime(2020, 1, 1)

cards_st = st.lists(st.integers(min_value=0, max_value=2 * 365 * 24), max_size=80).map(
    lambda hours: [START + timedelta(hours=h) for h in hours]
)
orders_st = st.lists(
    st.tuples(st.integers(0, 730), st.integers(1, 2000)), max_size=20
).map(lambda raw: [c.PaymentOrder(str(i), date(2020, 1, 1) + timedelta(days=d), Decimal(cents) / 100) for i, (d, cents) in enumerate(raw)])


@settings(max_examples=150, deadline=None)
@given(cards_st, orders_st)
def test_allocation_invariants(cards: list, orders: list) -> None:
    a = c.allocate(cards, orders)
    portions = sum((p.amount for o in a.orders for p in o.portions), Decimal(0))
    assert portions + a.credit == sum((Decimal(o.amount) for o in orders), Decimal(0))
    for o in a.orders:
        for p in o.portions:
            assert p.amount == p.cards * PRICE
    for q in a.quarters.values():
        assert q.cards_paid + q.unpaid_cards == q.cards_signed
    assert sum(q.cards_signed for q in a.quarters.values()) == len(cards)


@given(st.text(max_size=40))
def test_parsers_never_crash(text: str) -> None:
    for fn in (c.parse_amount, c.validate_fiscal_code, c.validate_iban, c.parse_date, c.quarter_of):
        try:
            fn(text)
        except c.CieError:
            pass
