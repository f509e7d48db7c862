"""The Python surface: types, errors, bad input."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pytest

import cie_pagamenti as c
from cie_pagamenti import errors as e


def test_money_is_decimal_and_floats_are_refused() -> None:
    assert c.cards_for_amount(Decimal("33.58")) == 2
    assert c.cards_for_amount("33,58") == 2
    assert c.cards_for_amount(0) == 0
    assert c.amount_for_cards(2) == Decimal("33.58")
    assert isinstance(c.amount_for_cards(2), Decimal)
    with pytest.raises(TypeError) as info:
        c.cards_for_amount(33.58)  # type: ignore[arg-type]
    assert isinstance(info.value, e.FloatNotAllowedError)
    assert info.value.code == "FLOAT_NOT_ALLOWED"
    assert "decimal" in info.value.message_en.lower()
    with pytest.raises(e.AmountError) as bad:
        c.cards_for_amount(Decimal("1.001"))
    assert bad.value.code == "AMOUNT_PRECISION"
    with pytest.raises(ValueError):
        c.cards_for_amount(Decimal("-1"))
    with pytest.raises(e.AmountError):
        c.cards_for_amount(True)  # type: ignore[arg-type]
    with pytest.raises(e.AmountError):
        c.cards_for_amount(10**30)
    with pytest.raises(e.AmountError):
        c.format_amount(object())  # type: ignore[arg-type]


def test_not_multiple_carries_the_top_up() -> None:
    with pytest.raises(c.AmountNotMultipleError) as info:
        c.cards_for_amount(Decimal("33.59"))
    err = info.value
    assert (err.cards_below, err.remainder, err.top_up) == (2, Decimal("0.01"), Decimal("16.78"))
    assert isinstance(err, ValueError) and isinstance(err, c.CieError)
    assert "16,78" in str(err) and "16.78" in err.message_en
    clone = pickle.loads(pickle.dumps(err))
    assert clone.top_up == Decimal("16.78") and clone.code == err.code


def test_moments_across_dst_and_naive_rome() -> None:
    utc = timezone.utc
    assert str(c.quarter_of(datetime(2024, 3, 31, 23, 30, tzinfo=utc))) == "2024-Q2"
    assert str(c.quarter_of(datetime(2024, 3, 31, 21, 59, 59, tzinfo=utc))) == "2024-Q1"
    assert str(c.quarter_of(datetime(2024, 3, 31, 23, 30))) == "2024-Q1"  # naive = Rome
    assert str(c.quarter_of(datetime(2024, 3, 31, 2, 30))) == "2024-Q1"  # inside the DST gap
    assert str(c.quarter_of(datetime(2024, 10, 27, 2, 30))) == "2024-Q4"  # the repeated hour
    assert str(c.quarter_of(datetime(2024, 6, 30, 23, 59, tzinfo=timezone(timedelta(hours=2))))) == "2024-Q2"
    assert str(c.quarter_of(date(2024, 4, 1))) == "2024-Q2"
    assert str(c.quarter_of(1711929600)) == "2024-Q2"
    for bad in ["", "domani", 1.5, None, [], "2024-02-30"]:
        with pytest.raises(c.CieError):
            c.quarter_of(bad)  # type: ignore[arg-type]


def test_quarter_type() -> None:
    q = c.Quarter(2024, 1)
    assert q == c.Quarter.parse("2024-q1") and hash(q) == hash(c.Quarter.parse("2024-Q1"))
    assert str(q) == "2024-Q1" and repr(q) == "Quarter(2024, 1)" and q.label_it == "1° trimestre 2024"
    assert sorted([q.next(), q, q.previous()]) == [q.previous(), q, q.next()]
    assert {q: 1}[c.Quarter(2024, 1)] == 1
    with pytest.raises(e.QuarterError):
        c.Quarter(2024, 5)
    with pytest.raises(e.QuarterError):
        c.Quarter.parse("2024-Q9")
    with pytest.raises(e.QuarterError):
        c.Quarter.parse(2024)  # type: ignore[arg-type]
    f = c.Fortnight.of(date(2024, 3, 20))
    assert str(f) == "2024-03-2" and f.due_date == date(2024, 3, 29)
    assert f.is_late(date(2024, 4, 2)) and not f.is_late("29/03/2024")


def test_identifiers_and_list_forms() -> None:
    assert c.validate_fiscal_code("rssmraqrcmnfnlrg") == "RSSMRAQRCMNFNLRG"
    with pytest.raises(e.FiscalCodeError) as info:
        c.validate_fiscal_code("RSSMR480A01F205X")
    assert (info.value.code, info.value.position, info.value.character) == ("FISCAL_CODE_CHARACTER", 6, "4")
    assert c.is_valid_iban("IT81J0100003245348010374600") and not c.is_valid_iban("IT81J0100003245348010374601")
    assert c.validate_fiscal_codes(["RSSMRAQRCMNFNLRG", "nope", None, "ÀÈÌ"]) == ["RSSMRAQRCMNFNLRG", None, None, None]
    assert c.validate_vat_numbers(["00743110157", "1"]) == ["00743110157", None]
    with pytest.raises(e.FiscalCodeError):
        c.validate_fiscal_code(None)  # type: ignore[arg-type]
    with pytest.raises(e.IbanError):
        c.validate_iban("X" * 1_000_000)


def test_passwords() -> None:
    assert c.check_password("Corretta.2024") == []
    assert [code for code, _, _ in c.password_rules()][:5] == [
        "PASSWORD_TOO_SHORT", "PASSWORD_NO_UPPERCASE", "PASSWORD_NO_LOWERCASE", "PASSWORD_NO_DIGIT", "PASSWORD_NO_SYMBOL",
    ]
    pw = c.generate_password()
    assert len(pw) == 16 and c.check_password(pw) == []
    with pytest.raises(e.PasswordError):
        c.generate_password(5)


def test_allocation_and_reconciliation_from_numpy_and_datetimes() -> None:
    # numpy datetime64 values are UTC: 09:00Z is 10:00 in Rome (winter), 21:30Z is 23:30 (summer).
    march = np.array(["2024-03-16T09:00", "2024-03-31T21:30"], dtype="datetime64[s]")
    orders = [c.PaymentOrder("7", date(2024, 4, 10), Decimal("33.58"), (date(2024, 3, 16), date(2024, 3, 31)))]
    a = c.allocate(march, orders)
    assert a.order("7").portions == [c.Portion(c.Quarter(2024, 1), 2, Decimal("33.58"))]
    same = c.allocate([datetime(2024, 3, 16, 10), datetime(2024, 3, 31, 23, 30)], orders)
    assert same.to_dict() == a.to_dict()
    epochs = march.astype("int64")
    assert c.allocate(epochs, orders).to_dict() == a.to_dict()
    assert list(c.quarter_of_many(np.array([epochs[0], 2**62], dtype=np.int64))) == [20241, 0]
    r = c.reconcile(a, {"2024-Q1": 2}, ["2020-Q1"], now=datetime(2024, 4, 2))
    assert r.next_to_transmit == c.Quarter(2020, 2)
    assert r.quarters[0].quarter == c.Quarter(2020, 1)
    frame = a.quarters_frame()
    assert list(frame.index) == ["2024-Q1"]
    with pytest.raises(c.CieError):
        c.allocate(["ieri"], orders)
    with pytest.raises(TypeError):
        c.allocate([], [c.PaymentOrder("1", date(2024, 1, 1), 16.79)])  # type: ignore[arg-type]


def test_allocation_from_columns_equals_objects() -> None:
    import pandas as pd

    cards = np.array(["2024-03-20T08:00", "2024-03-20T09:00", "2024-03-20T10:00",
                      "2024-04-03T08:00", "2024-04-03T09:00", "2024-04-03T10:00"], dtype="datetime64[s]")
    objects = [c.PaymentOrder("8", date(2024, 4, 20), Decimal("67.16")),
               c.PaymentOrder("7", date(2024, 4, 10), Decimal("33.58"), (date(2024, 3, 16), date(2024, 3, 31)))]
    frame = pd.DataFrame({
        "number": ["8", "7"],
        "date": pd.to_datetime(["2024-04-20", "2024-04-10"]),
        "amount_cents": [6716, 3358],
        "period_from": pd.to_datetime([None, "2024-03-16"]),
        "period_to": pd.to_datetime([None, "2024-03-31"]),
    })
    by_objects = c.allocate(cards, objects)
    by_frame = c.allocate(cards, frame)
    assert by_frame.to_dict() == by_objects.to_dict()
    assert by_frame.order("8").split and by_frame.credit == Decimal("0.00")
    mapping = {"number": ["1"], "date": np.array(["2024-04-10"], dtype="datetime64[D]"), "amount_cents": np.array([1679])}
    assert c.allocate(cards, mapping).quarters[c.Quarter(2024, 1)].cards_paid == 1
    with pytest.raises(c.FloatNotAllowedError) as floats:
        c.allocate(cards, {**mapping, "amount_cents": np.array([16.79])})
    assert floats.value.code == "FLOAT_NOT_ALLOWED"
    with pytest.raises(c.CieError) as text:
        c.allocate(cards, {**mapping, "amount_cents": np.array(["16,79"])})
    assert text.value.code == "INPUT_FORMAT"
    with pytest.raises(c.CieError) as lengths:
        c.allocate(cards, {**mapping, "number": ["1", "2"]})
    assert lengths.value.code == "INPUT_FORMAT"
    with pytest.raises(c.CieError) as half:
        c.allocate(cards, {**mapping, "period_from": np.array(["2024-03-01"], dtype="datetime64[D]"),
                           "period_to": np.array(["NaT"], dtype="datetime64[D]")})
    assert half.value.code == "PERIOD_INCOMPLETE"
    with pytest.raises(c.CieError) as no_date:
        c.allocate(cards, {**mapping, "date": np.array(["NaT"], dtype="datetime64[D]")})
    assert no_date.value.code == "DATE_FORMAT"
    assert c.allocate(cards, {"number": [], "date": np.array([], dtype="datetime64[D]"), "amount_cents": np.array([], dtype=np.int64)}).cards == 6



def test_order_number_columns_in_every_form() -> None:
    import pandas as pd

    cards = np.array(["2024-03-20T08:00", "2024-04-03T08:00", "2024-04-03T09:00"], dtype="datetime64[s]")
    dates = np.array(["2024-04-10", "2024-04-10", "2024-04-20"], dtype="datetime64[D]")
    cents = np.array([1679, 1679, 1679])

    def orders_of(numbers: object) -> list:
        return [o.number for o in c.allocate(cards, {"number": numbers, "date": dates, "amount_cents": cents}).orders]

    # Strings (joined and split natively), ints, numpy ints and a pandas column agree,
    # and orders of one date are taken by number (2 before 10).
    assert orders_of(["10", "2", "3"]) == ["2", "10", "3"]
    assert orders_of([10, 2, 3]) == ["2", "10", "3"]
    assert orders_of(np.array([10, 2, 3])) == ["2", "10", "3"]
    assert orders_of(pd.Series(["10", "2", "3"])) == ["2", "10", "3"]
    assert orders_of(("10", "2", "3")) == ["2", "10", "3"]
    # A number padded with a newline is trimmed, as for a single order; a newline inside is refused.
    assert orders_of(["10\n", " 2", "3"]) == ["2", "10", "3"]
    for bad in (["1\n0", "2", "3"], ["", "2", "3"], ["x" * 65, "2", "3"], [True, 2, 3], [1.5, 2, 3], [None, "2", "3"]):
        with pytest.raises(c.CieError) as refused:
            orders_of(bad)
        assert refused.value.code == "ORDER_NUMBER_INVALID", bad
    # Non-ASCII numbers are counted in characters: 64 accented letters are accepted.
    assert orders_of(["è" * 64, "2", "3"]) == ["2", "è" * 64, "3"]
    # The process keeps working after each refusal.
    assert orders_of(["1", "2", "3"]) == ["1", "2", "3"]


def test_columns_of_the_wrong_shape_are_coded_errors() -> None:
    cards = np.array([1_712_000_000], dtype=np.int64)
    d = np.array(["2024-04-10"], dtype="datetime64[D]")
    m = np.array([1679])
    cases = [
        ({"number": 5, "date": d, "amount_cents": m}, "INPUT_FORMAT"),
        ({"number": None, "date": d, "amount_cents": m}, "INPUT_FORMAT"),
        ({"number": np.int64(5), "date": d, "amount_cents": m}, "INPUT_FORMAT"),
        ({"number": ["1"], "date": "x", "amount_cents": m}, "INPUT_FORMAT"),
        ({"number": ["1"], "date": d}, "INPUT_FORMAT"),
        ({"number": np.array([[1]]), "date": d, "amount_cents": m}, "ORDER_NUMBER_INVALID"),
        ({"number": ["1", "2"], "date": d, "amount_cents": m}, "INPUT_FORMAT"),
    ]
    for columns, code in cases:
        with pytest.raises(c.CieError) as refused:
            c.allocate(cards, columns)
        assert refused.value.code == code, columns
        assert refused.value.message_it and refused.value.message_en
    # and the process keeps working
    assert len(c.allocate(cards, {"number": ["1"], "date": d, "amount_cents": m}).orders) == 1


def test_integer_number_columns_read_in_place() -> None:
    import pandas as pd

    rng = np.random.default_rng(7)
    n = 500
    cards = np.sort(rng.integers(1_704_067_200, 1_735_689_600, size=5_000))
    dates = np.datetime64("2024-01-01") + np.sort(rng.integers(0, 366, size=n)).astype("timedelta64[D]")
    cents = rng.integers(1, 30, size=n) * 1679
    numbers = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64)
    numbers[:4] = [0, -1, 2**63 - 1, -(2**63)]

    def run(column: object) -> list:
        a = c.allocate(cards, {"number": column, "date": dates, "amount_cents": cents})
        return [(o.number, o.portions, o.credit) for o in a.orders]

    # An int64 array (read in place, written in decimal natively), the same numbers as
    # strings (joined) and as Python ints (one by one) give the same allocation.
    as_text = run([str(int(x)) for x in numbers])
    assert run(numbers) == as_text
    assert run(pd.Series(numbers)) == as_text
    assert run([int(x) for x in numbers]) == as_text
    assert {"0", "-1", str(2**63 - 1), str(-(2**63))} <= {number for number, _, _ in as_text}
    # Narrower and unsigned integer columns too; uint64 beyond int64 goes through Python ints.
    small = np.arange(n, dtype=np.uint16)
    assert run(small) == run([str(x) for x in range(n)])
    big = np.full(n, 2**64 - 1, dtype=np.uint64) - np.arange(n, dtype=np.uint64)
    assert run(big) == run([str(int(x)) for x in big])
    # A pandas nullable column: read like any integer column without NA, and a NA is refused
    # with its row — never turned into a number.
    nullable = pd.Series(numbers, dtype="Int64")
    assert run(nullable) == as_text
    nullable[3] = pd.NA
    with pytest.raises(c.CieError) as refused:
        run(nullable)
    assert refused.value.code == "ORDER_NUMBER_INVALID"
    assert "3" in str(refused.value)
    # A float column of numbers is refused with a code.
    with pytest.raises(c.CieError) as refused:
        run(np.arange(n, dtype=np.float64))
    assert refused.value.code == "ORDER_NUMBER_INVALID"

def test_portal_scenario_and_replay() -> None:
    p = c.Portal()
    boss = "RSSMRA80A01H501U"
    person = dict(fiscal_code=boss, first_name="Mario", last_name="Rossi", email="m@c.it", email_confirmation="m@c.it")
    p.register_municipality("support", datetime(2023, 12, 1), "A", "Alfa", "2024-Q1", person)
    p.create_quarter(boss, datetime(2024, 1, 20), "A", "2024-Q1")
    p.add_order(boss, datetime(2024, 1, 20), "A", "2024-Q1", "1", date(2024, 1, 15), Decimal("16.79"))
    with pytest.raises(e.WorkflowError) as info:
        p.submit(boss, datetime(2024, 1, 20), "A", "2024-Q1")
    assert info.value.code == "WORK_OPEN"
    p.complete_work(boss, datetime(2024, 1, 20), "A", "2024-Q1")
    with pytest.raises(e.WorkflowError):
        p.submit(boss, datetime(2024, 3, 31, 23, 59), "A", "2024-Q1")
    p.submit(boss, datetime(2024, 4, 1), "A", "2024-Q1")
    with pytest.raises(e.ReportError):
        p.transmit(boss, datetime(2024, 4, 1), "A", "2024-Q1", b"", True)
    data, pdf = p.quarterly_report("A", "2024-Q1", True, datetime(2024, 4, 1))
    assert pdf.startswith(b"%PDF-") and data["total"] == "16.79"
    p.transmit(boss, datetime(2024, 4, 1), "A", "2024-Q1", pdf, True)
    assert p.quarter_state("A", "2024-Q1") == "transmitted"
    with pytest.raises(PermissionError) as denied:
        p.reopen(boss, datetime(2024, 4, 2), "A", "2024-Q1", "verifica")
    assert denied.value.code == "NOT_AUTHORIZED"
    again = c.Portal.replay(p.events_json())
    assert isinstance(again, c.Portal) and again.events() == p.events() and again.state() == p.state()
    with pytest.raises(e.EventLogError):
        c.Portal.replay("{}")
    with pytest.raises(e.UserError):
        p.password_reset_target(boss, "other@c.it")


def test_sites() -> None:
    s = c.SiteRegistry()
    site = s.add_site("A", name="Anagrafe", address="Via Roma", street_number="1", cap="00100", tax_code=None, iban=None,
                      workstations=1, operators=2, payment_type="pagoPA", connection_type="http")
    contact = dict(title=None, first_name="Gianni", last_name="Bianchi", email="g@c.it", fiscal_code="RSSMRA80A01H501U",
                   phone1="061234567", phone2=None, organisation=None)
    s.add_contact("A", **contact)
    with pytest.raises(e.SiteError) as dup:
        s.add_contact("A", **contact)
    assert dup.value.message_it == "La persona che si sta inserendo è già presente nell'elenco dei referenti"
    assert s.status("A", site)["missing"][0] == "contacts"
    assert s.status("A", site)["label_it"] == "INCOMPLETA"
    assert s.status("A", site)["missing_it"][0] == "Referenti della sede"
    with pytest.raises(e.SiteError):
        s.add_site("A", name="")
    # Contacts are edited in every field but the fiscal code.
    s.edit_contact("A", "RSSMRA80A01H501U", **{**contact, "email": "gianni.bianchi@c.it"})
    with pytest.raises(e.SiteError) as fixed:
        s.edit_contact("A", "RSSMRA80A01H501U", **{**contact, "fiscal_code": "NREPLA90D52L219L"})
    assert fixed.value.code == "CONTACT_FISCAL_CODE_FIXED"
    # Removal: a preview changes nothing and carries the manual's warning.
    s.associate("A", site, "RSSMRA80A01H501U")
    s.add_security_officer("A", site, "RSSMRA80A01H501U")
    preview = s.removal_preview("A", site)
    assert preview["security_officers_removed"] == ["RSSMRA80A01H501U"]
    assert "AgendaCIE" in preview["warning_it"][0] and "irreversibile" in preview["warning_it"][-1]
    assert s.status("A", site)["status"] == "incomplete"
    assert s.remove_site("A", site)["site"] == site
    with pytest.raises(e.SiteError):
        s.removal_preview("A", site)


def test_process_keeps_working_after_hostile_input() -> None:
    hostile = [None, 1.5, b"\xff", "\x00" * 10, "é" * 100_000, [], {}, object(), -1, 2**80]
    for value in hostile:
        for fn in (c.validate_fiscal_code, c.validate_iban, c.parse_amount, c.parse_date, c.quarter_of, c.format_amount, c.check_password):
            try:
                fn(value)  # type: ignore[operator]
            except (c.CieError, TypeError, OverflowError):
                pass
    assert c.cards_for_amount("16,79") == 1


def test_large_card_arrays_are_counted_in_parts_exactly() -> None:
    # Over 2 × 262 144 cards the native layer counts them in parts on two threads: the counts
    # per quarter equal numpy's count of `quarter_of_many`, sorted or not, and a refused card
    # is reported by its index in the whole array, the first in input order.
    rng = np.random.default_rng(11)
    cards = rng.integers(1_577_836_800, 1_735_689_600, size=1_300_000, dtype=np.int64)
    orders = {"number": np.arange(3, dtype=np.int64), "date": np.array(["2024-04-10"] * 3, dtype="datetime64[D]"),
              "amount_cents": np.array([1679, 3358, 1679])}
    codes, counts = np.unique(c.quarter_of_many(cards), return_counts=True)
    expected = {c.Quarter(int(code) // 10, int(code) % 10): int(n) for code, n in zip(codes, counts)}
    for array in (cards, np.sort(cards)):
        a = c.allocate(array, orders)
        assert {q: r.cards_signed for q, r in a.quarters.items()} == expected
        assert a.cards == len(cards)
        assert sum(r.cards_paid for r in a.quarters.values()) == 4
        assert [o.number for o in a.orders] == ["0", "1", "2"]
    bad = np.sort(cards)
    bad[700_000] = 2**62
    bad[1_200_000] = -(2**62)
    for array in (bad, bad[::-1].copy()):
        with pytest.raises(c.CieError) as refused:
            c.allocate(array, orders)
        assert refused.value.code == "MOMENT_FORMAT"
        first = 700_000 if array[700_000] == 2**62 else len(cards) - 1 - 1_200_000
        assert refused.value.fields["index"] == first
    # An order refused and a card refused: the order is reported (it is read first).
    with pytest.raises(c.CieError) as refused:
        c.allocate(bad, {**orders, "amount_cents": np.array([1679, 0, 1679])})
    assert refused.value.code == "AMOUNT_ZERO"


def test_order_check_is_the_cores() -> None:
    now = "2024-06-01T12:00:00"
    good = c.check_order("12", date(2024, 4, 10), Decimal("33.58"), (date(2024, 3, 16), date(2024, 3, 31)), now=now)
    assert good["cards"] == 2 and good["quarters"] == ["2024-Q1"] and good["order"]["number"] == "12"
    # The circular's order of 10 April for the second half of March: late, a warning only.
    assert [(f["code"], f["severity"]) for f in good["findings"]] == [("PAYMENT_LATE", "warning")]
    assert good["missed_due_date"] == "2024-03-29"
    # Every finding, not the first: a future date, a zero amount, a reversed period.
    bad = c.check_order("", "2030-01-01", "0", ("2024-04-20", "2024-04-10"), now=now)
    assert [f["code"] for f in bad["findings"]] == ["ORDER_NUMBER_INVALID", "ORDER_DATE_FUTURE", "AMOUNT_ZERO", "PERIOD_INVALID"]
    assert bad["order"] is None
    # A half period has its own code, in every path.
    half = c.check_order("12", "2024-04-10", "16.79", ("2024-03-16", None), now=now)
    assert [f["code"] for f in half["findings"]] == ["PERIOD_INCOMPLETE"]
    with pytest.raises(c.CieError) as info:
        c.allocate([], [c.PaymentOrder("1", date(2024, 4, 10), Decimal("16.79"), (date(2024, 3, 16), None))])
    assert info.value.code == "PERIOD_INCOMPLETE"
    # The form reads only the portal's strict text: "1.000" is not one thousand euros misread.
    form = c.check_order_form("12", "10/04/2024", "1.000", now=now)
    assert [f["code"] for f in form["findings"]] == ["AMOUNT_FORMAT"]
    non_multiple = c.check_order_form("12", "10/04/2024", "1000,00", now=now)
    assert non_multiple["top_up"] == "7.40" and non_multiple["findings"][0]["fields"]["top_up"] == "7.40"
    assert non_multiple["order"]["number"] == "12", "a non-multiple order can be entered"
    with pytest.raises(c.CieError):
        c.check_order("12", "2024-04-10", 16.79, now=now)  # type: ignore[arg-type]
    # The causale is checked against the order: three cards stated for two paid, another town.
    text = c.causale("Cesena", "2024-03-2", 3)
    checked = c.check_order("12", date(2024, 4, 10), Decimal("33.58"), (date(2024, 3, 16), date(2024, 3, 31)), text, now=now, municipality="Forlì")
    assert [(f["code"], f["field"], f["severity"]) for f in checked["findings"] if f["field"] == "causale"] == [
        ("CAUSALE_COUNT_MISMATCH", "causale", "warning"),
        ("CAUSALE_MUNICIPALITY_MISMATCH", "causale", "warning"),
    ]


def test_exports_are_read_from_paths_bytes_and_files(tmp_path: "pathlib.Path") -> None:
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    # Excel on Italian Windows: Windows-1252, `;`, CRLF, Italian display amounts.
    raw = "N. mandato;Data;Importo €;Beneficiario\r\n1;1/2/2024;€ 302,22;Tesoreria Forlì\r\n1;1/2/2024;€ 302,22;Tesoreria Forlì\r\n".encode("cp1252")
    path = tmp_path / "mandati.csv"
    path.write_bytes(raw)
    for source in (str(path), path, raw, bytearray(raw), open(path, "rb")):
        r = c.read_orders(source, now="2024-11-15T12:00:00")
        assert r.source["encoding"] == "windows-1252"
        assert [(x["line"], x["amount"]) for x in r.rows] == [(2, Decimal("302.22"))]
        assert [(f["line"], f["code"]) for f in r.findings] == [(3, "ROW_DUPLICATE")]
    with pytest.raises(c.CieError) as text_mode:
        c.read_orders(open(path, encoding="cp1252"))  # type: ignore[arg-type]
    assert text_mode.value.code == "INPUT_FORMAT"
    with pytest.raises(c.CieError) as missing:
        c.read_orders(b"Numero;Data\n1;1/2/2024\n")
    assert missing.value.code == "COLUMN_MISSING"
    # The spreadsheet export of the example reconciles like the CSV.
    xlsx = c.read_orders(root / "examples" / "mandati.xlsx")
    csv = c.read_orders(root / "examples" / "orders.csv")
    assert xlsx.payment_orders() == csv.payment_orders() and len(xlsx.rows) == 106
    cards = c.read_cards(root / "examples" / "cards.csv", now="2024-11-15T12:00:00")
    counts = c.read_cieonline(root / "examples" / "cieonline.csv")
    a = c.allocate(cards.epochs(), xlsx.payment_orders())
    r = c.reconcile(a, counts.counts(), now="2024-11-15T12:00:00")
    assert r.quarters[0].cieonline_cards == 240


def test_reconcile_groups_gives_each_municipality_what_it_gets_alone() -> None:
    rng = np.random.default_rng(7)
    keys = np.array(["058091", "032001", "001272"])
    base = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    card_keys = rng.choice(keys, 600)
    epochs = base + rng.integers(0, 300 * 86400, 600)
    orders = {"municipality": [], "number": [], "date": [], "amount_cents": []}
    for k in keys:
        for i, day in enumerate(range(15, 330, 30)):
            orders["municipality"].append(k)
            orders["number"].append(str(100 + i))
            orders["date"].append(np.datetime64("2024-01-01") + day)
            orders["amount_cents"].append(1679 * int(rng.integers(1, 30)))
    orders_cols = {k: np.asarray(v) for k, v in orders.items()}
    cieonline = {"municipality": np.array(["058091", "032001"]), "quarter": ["2024-Q1", "2024-Q1"], "cards": np.array([60, 61])}
    transmitted = {"municipality": np.array(["032001"]), "quarter": ["2024-Q1"]}
    now = datetime(2025, 2, 1, tzinfo=timezone.utc)
    result = c.reconcile_groups({"municipality": card_keys, "signed_at": epochs}, orders_cols, cieonline, transmitted=transmitted, now=now, threads=2)
    for k in keys:
        mine = card_keys == k
        own = [c.PaymentOrder(n, d.astype(object), Decimal(a) / 100, None)
               for m, n, d, a in zip(orders["municipality"], orders["number"], orders["date"], orders["amount_cents"]) if m == k]
        alone = c.allocate([int(t) for t in epochs[mine]], own)
        counts = {q: n for m, q, n in zip(cieonline["municipality"], cieonline["quarter"], cieonline["cards"]) if m == k}
        sent = [q for m, q in zip(transmitted["municipality"], transmitted["quarter"]) if m == k]
        r = c.reconcile(alone, {q: int(n) for q, n in counts.items()}, sent, now=now)
        rows = [row for row in result.rows if row["municipality"] == k]
        assert [str(row["quarter"]) for row in rows] == [str(q.quarter) for q in r.quarters]
        assert [row["amount"] for row in rows] == [q.amount for q in r.quarters]
        assert [row["discrepancy"] for row in rows] == [q.discrepancy for q in r.quarters]
        # Every optional field, whether the whole column has no value or some (the columns
        # without any value are made in one step).
        for field in ("top_up", "cieonline_cards", "mismatch", "state"):
            assert [row[field] for row in rows] == [getattr(q, field) for q in r.quarters], field
        summary = next(s for s in result.summaries if s["municipality"] == k)
        assert summary["cards"] == int(mine.sum())
        assert summary["missing_quarters"] == [str(q) for q in r.missing_quarters]
    assert len(result.summaries) == 3
    with pytest.raises(e.CieError) as bad:
        c.reconcile_groups({"municipality": keys, "signed_at": np.array([0, 1, 2])},
                           {**orders_cols, "amount_cents": orders_cols["amount_cents"].astype(float)}, now=now)
    assert bad.value.code in ("FLOAT_NOT_ALLOWED", "INPUT_FORMAT")


def test_name_check_is_a_warning_with_both_sides() -> None:
    ok = c.fiscal_code_matches_name("rssmra80a01h501u", "Rossi", "Mario")
    assert ok["matches"] is True and ok["warning"] is None and ok["code"] == "RSSMRA80A01H501U"
    typo = c.fiscal_code_matches_name("RSSMRA80A01H501U", "Bianchi", "Luigi")
    assert typo["matches"] is False
    assert typo["warning"]["code"] == "FISCAL_CODE_NAME_MISMATCH"
    assert "il cognome dà BNC, il codice ha RSS" in typo["warning"]["message_it"]
    assert typo["expected_name"] == "LGU"
    with pytest.raises(e.FiscalCodeError) as raised:
        c.fiscal_code_matches_name("RSSMRA80A01H501X", "Rossi", "Mario")
    assert raised.value.code == "FISCAL_CODE_CHECKSUM"


def test_every_public_item_has_a_docstring() -> None:
    import inspect

    undocumented = [n for n in c.__all__ if not (getattr(c, n).__doc__ or "").strip()]
    undocumented += [f"Portal.{n}" for n, m in inspect.getmembers(c.Portal) if not n.startswith("_") and callable(m) and not (m.__doc__ or "").strip()]
    assert undocumented == []


def test_a_malformed_mapping_is_a_coded_error() -> None:
    with pytest.raises(e.CieError) as raised:
        c.Portal().register_municipality("support", "2024-01-01T00:00:00", "099999", "X", "2024-Q1", {"fiscal_code": "RSSMRA80A01H501U"})
    assert raised.value.code == "INPUT_FORMAT" and "first_name" in str(raised.value)


def test_reconcile_groups_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    cards = {"municipality": np.array(["001272", "058091"]), "signed_at": np.array([1_704_100_000, 1_704_200_000])}
    orders = {"municipality": np.array(["001272"]), "number": np.array(["1"]),
              "date": np.array(["2024-01-15"], dtype="datetime64[D]"), "amount_cents": np.array([1679])}
    now = datetime(2025, 2, 1, tzinfo=timezone.utc)
    was = gc.isenabled()
    try:
        gc.enable()
        c.reconcile_groups(cards, orders, now=now)
        assert gc.isenabled()  # paused while the result columns are built, then enabled again
        gc.disable()
        result = c.reconcile_groups(cards, orders, now=now)
        assert not gc.isenabled()  # a caller's disabled collector is not turned on
        assert result.summary_columns["cards"].tolist() == [1, 1]
        # The columns made while paused are in the oldest generation, not walked by the next
        # young collection; objects a caller keeps frozen stay frozen.
        gc.enable()
        result = c.reconcile_groups(cards, orders, now=now)
        young = {id(o) for o in gc.get_objects(generation=0)}
        assert id(result.columns["top_up_cents"]) not in young
        assert gc.get_freeze_count() == 0
        kept = [[] for _ in range(3)]
        gc.freeze()
        frozen = gc.get_freeze_count()
        c.reconcile_groups(cards, orders, now=now)
        assert gc.get_freeze_count() == frozen and gc.isenabled()
        gc.unfreeze()
        del kept
    finally:
        if was:
            gc.enable()


def test_order_dates_64_days_apart_keep_their_own_day() -> None:
    """Order dates are remembered in 64 slots by day: dates 64 days apart share a slot, and
    each order still gets its own date (an order of 1 January pays no card of February)."""
    jan, mar = np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + 64
    cards = [int(datetime(2024, 2, 1, 10, tzinfo=timezone.utc).timestamp())] * 3
    orders = {"number": np.array(["1", "2", "3"]), "date": np.array([mar, jan, mar]),
              "amount_cents": np.array([1679, 1679, 1679])}
    a = c.allocate(cards, orders)
    by_number = {o.number: o for o in a.orders}
    assert [p.cards for p in by_number["2"].portions] == []  # 1 January: nothing signed yet
    assert by_number["2"].credit == Decimal("16.79")
    assert [p.cards for p in by_number["1"].portions] == [1] and [p.cards for p in by_number["3"].portions] == [1]


@pytest.mark.parametrize("form", ["text", "int", "list", "joined"])
def test_a_long_order_column_is_read_alike_on_several_threads(form: str) -> None:
    """Orders of a national batch (70 000 rows, beyond which they are read on the call's threads,
    each thread its own rows): the same results on one and on two threads, whatever form the
    numbers come in, and the first refused row reported, as read in order."""
    n, groups = 70_000, 700
    keys = np.array([f"{g:06d}" for g in range(groups)])
    order_keys = np.repeat(keys, n // groups)
    numbers = np.tile(np.arange(1, n // groups + 1), groups)
    days = np.tile(np.arange(n // groups) * 3 + 1, groups)
    orders = {
        "municipality": order_keys,
        "number": {"text": numbers.astype(str), "int": numbers, "list": [str(x) for x in numbers], "joined": [f" {x} " for x in numbers]}[form],
        "date": np.datetime64("2024-01-01") + days.astype("timedelta64[D]"),
        "amount_cents": np.full(n, 1679 * 2, dtype=np.int64),
        "period_from": np.where(days % 2 == 0, np.datetime64("2024-01-01") + (days - 10).astype("timedelta64[D]"), np.datetime64("NaT")).astype("datetime64[D]"),
        "period_to": np.where(days % 2 == 0, np.datetime64("2024-01-01") + days.astype("timedelta64[D]"), np.datetime64("NaT")).astype("datetime64[D]"),
    }
    base = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    cards = {"municipality": np.repeat(keys, 300), "signed_at": base + np.tile(np.arange(300) * 86_400, groups)}
    now = datetime(2025, 2, 1, tzinfo=timezone.utc)
    one = c.reconcile_groups(cards, orders, now=now, threads=1)
    two = c.reconcile_groups(cards, orders, now=now, threads=2)
    assert one.columns.keys() == two.columns.keys()
    for name in one.columns:
        assert list(one.columns[name]) == list(two.columns[name]), name
    assert one.summaries == two.summaries
    assert sum(s["orders"] for s in two.summaries) == n
    # Refused rows in both halves: the first one, in row order, is the error on any thread count.
    bad = dict(orders, amount_cents=orders["amount_cents"].copy())
    bad["amount_cents"][[60_000, 20_000]] = 0
    for threads in (1, 2):
        with pytest.raises(e.CieError) as raised:
            c.reconcile_groups(cards, bad, now=now, threads=threads)
        assert "row 20000" in str(raised.value)


def test_each_municipality_has_its_own_list_of_missing_quarters() -> None:
    """Equal lists of missing quarters are separate lists (one changed, the others are not), and
    a municipality after one with other missing quarters gets its own."""
    keys = np.array(["A", "B", "C", "D"])
    base = np.datetime64("2024-02-01T10:00:00", "s").astype(np.int64)
    cards = {"municipality": keys, "signed_at": np.full(4, base)}
    orders = {"municipality": np.array([], dtype="U1"), "number": np.array([], dtype="U1"),
              "date": np.array([], dtype="datetime64[D]"), "amount_cents": np.array([], dtype=np.int64)}
    transmitted = {"municipality": np.array(["C"]), "quarter": ["2020-Q1"]}
    result = c.reconcile_groups(cards, orders, transmitted=transmitted, now=datetime(2025, 2, 1, tzinfo=timezone.utc))
    missing = result.summary_columns["missing_quarters"]
    everything = [f"{y}-Q{q}" for y in range(2020, 2025) for q in range(1, 5)]
    assert missing == [everything, everything, everything[1:], everything]
    assert missing[0] is not missing[1]
    missing[0].clear()
    assert missing[1] == everything
