"""Results are typed, frozen objects built in Rust (no JSON text crosses into Python), and
``schedule=`` prices cards with the caller's own price list."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

import cie_pagamenti as c
from cie_pagamenti import _native

NOW = datetime(2027, 6, 1, tzinfo=timezone.utc)


def test_no_json_text_crosses_the_boundary() -> None:
    # The event log is the one JSON document of the API (what `Portal.replay` reads).
    named_json = sorted(n for n in dir(_native) if n.endswith("_json"))
    assert named_json == []
    portal_json = [n for n in dir(_native.Portal) if n.endswith("_json") and not n.startswith("_")]
    assert portal_json == []


def test_result_classes_are_native_frozen_and_comparable() -> None:
    allocation = c.allocate([datetime(2024, 2, 1, 10, tzinfo=timezone.utc)] * 2, [c.PaymentOrder("1", date(2024, 2, 20), "33,58")])
    quarter = allocation.quarters[c.Quarter(2024, 1)]
    order = allocation.orders[0]
    rec = c.reconcile(allocation, {"2024-Q1": 2}, now=NOW, first_quarter="2024-Q1")
    for result in (quarter, order, order.portions[0], rec, rec.quarters[0], c.price_on(), c.citizen_fee()):
        assert type(result).__module__ == "cie_pagamenti", type(result)
        with pytest.raises(AttributeError):
            result.amount = Decimal("1")  # type: ignore[misc,attr-defined]
    assert isinstance(quarter, c.QuarterAllocation) and quarter.cards_paid == 2
    assert order.portions[0].quarter == c.Quarter(2024, 1) and order.portions[0].amount == Decimal("33.58")
    assert rec.quarters[0] == c.reconcile(allocation, {"2024-Q1": 2}, now=NOW, first_quarter="2024-Q1").quarters[0]
    assert rec.quarters[0] != rec.quarters[1]
    assert "cards_from_amount=2" in repr(rec.quarters[0])


def test_to_dict_is_plain_data() -> None:
    allocation = c.allocate([datetime(2024, 2, 1, 10, tzinfo=timezone.utc)], [c.PaymentOrder("7", date(2024, 2, 20), "16,79", (date(2024, 2, 1), date(2024, 2, 15)))])
    d = allocation.orders[0].to_dict()
    assert d == {
        "number": "7",
        "date": date(2024, 2, 20),
        "amount": Decimal("16.79"),
        "period": (date(2024, 2, 1), date(2024, 2, 15)),
        "portions": [{"quarter": "2024-Q1", "cards": 1, "amount": Decimal("16.79")}],
        "split": False,
        "credit": Decimal("0.00"),
    }
    rec = c.reconcile(allocation, {"2024-Q1": 1}, now=NOW, first_quarter="2024-Q1").to_dict()
    assert rec["quarters"][0]["quarter"] == "2024-Q1" and rec["missing_quarters"][0] == "2024-Q1"
    assert c.price_on().to_dict()["vat_rate"] == Decimal("0.22")


TWO_PRICES = [
    c.Price(valid_from=date(2016, 7, 4), unit="16.79", net="13.76", vat="3.03", vat_rate="0.22", municipal_share="0.70", ministry_share="1.15"),
    c.Price(valid_from=date(2027, 1, 1), unit="18.30", net="15.00", vat="3.30", vat_rate="0.22", municipal_share="0.80", ministry_share="1.20"),
]


def test_schedule_prices_cards_by_signing_date() -> None:
    assert c.price_on(date(2027, 3, 1), schedule=TWO_PRICES).unit == Decimal("18.30")
    assert c.price_on(date(2026, 12, 31), schedule=TWO_PRICES).unit == Decimal("16.79")
    assert c.price_on(schedule=TWO_PRICES).valid_from == date(2027, 1, 1)
    cards = [datetime(2026, 12, 20, 10, tzinfo=timezone.utc), datetime(2027, 1, 10, 10, tzinfo=timezone.utc)]
    # One order paying both cards: 16,79 for the 2026 card, 18,30 for the 2027 one.
    order = c.PaymentOrder("1", date(2027, 1, 20), Decimal("35.09"))
    priced = c.allocate(cards, [order], schedule=TWO_PRICES)
    assert priced.quarters[c.Quarter(2027, 1)].cards_paid == 1
    assert priced.quarters[c.Quarter(2026, 4)].cards_paid == 1
    assert priced.credit == Decimal("0.00")
    # The built-in schedule prices both at 16,79: the same order leaves a credit.
    assert c.allocate(cards, [order]).credit == Decimal("1.51")
    assert c.cards_for_amount("36,60", on=date(2027, 2, 1), schedule=TWO_PRICES) == 2
    check = c.check_order("5", date(2027, 2, 1), "36,60", now=NOW, schedule=TWO_PRICES)
    assert check["cards"] == 2 and not [f for f in check["findings"] if f["severity"] == "error"]
    assert c.reconcile({"2027-Q1": "36.60"}, now=NOW, schedule=TWO_PRICES).quarters[-1].cards_from_amount == 2


def test_schedule_errors_are_coded() -> None:
    with pytest.raises(c.CieError) as e:
        c.Price(valid_from=date(2027, 1, 1), unit="18.30", net="15.00", vat="3.00", vat_rate="0.22", municipal_share="0", ministry_share="0")
    assert e.value.code == "PRICE_NOT_DEFINED"
    with pytest.raises(c.CieError) as e:
        c.price_on(schedule=[TWO_PRICES[1], TWO_PRICES[1]])
    assert e.value.code == "PRICE_NOT_DEFINED"
    with pytest.raises(c.CieError) as e:
        c.price_on(schedule=[{"unit": "18.30"}])  # type: ignore[list-item]
    assert e.value.code == "PRICE_NOT_DEFINED"
    with pytest.raises(c.FloatNotAllowedError):
        c.Price(valid_from=date(2027, 1, 1), unit=18.3, net="15.00", vat="3.30", vat_rate="0.22", municipal_share="0", ministry_share="0")  # type: ignore[arg-type]
    # Before the first entry there is no price.
    with pytest.raises(c.CieError) as e:
        c.price_on(date(2026, 1, 1), schedule=TWO_PRICES[1:])
    assert e.value.code == "PRICE_NOT_DEFINED"
