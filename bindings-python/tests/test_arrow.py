"""Arrow input (the PyCapsule interface): pyarrow, polars and DuckDB give the same results as
numpy columns; cards cross without a copy when the layout allows; nulls and floats are coded
errors, never misread."""

from __future__ import annotations

import inspect
from datetime import datetime, timezone
from decimal import Decimal

import numpy as np
import pytest

import cie_pagamenti as c
from cie_pagamenti import errors as e

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

NOW = datetime(2024, 11, 15, 12, tzinfo=timezone.utc)
# 3 cards of 032001 in March, 1 of 058091 in April; 2 orders.
EPOCHS = np.array([1710921600, 1710925200, 1710928800, 1712131200], dtype=np.int64)
CARDS = {"municipality": ["032001", "032001", "032001", "058091"], "signed_at": EPOCHS}
ORDERS = {
    "municipality": ["032001", "058091"],
    "number": ["12", "1"],
    "date": np.array(["2024-04-10", "2024-04-10"], dtype="datetime64[D]"),
    "amount_cents": np.array([5037, 1679], dtype=np.int64),
}


def rows(result: c.GroupedReconciliation) -> list:
    return [(r["municipality"], r["quarter"], r["amount"], r["cards_from_amount"], r["state"]) for r in result.rows]


@pytest.fixture(scope="module")
def expected() -> list:
    return rows(c.reconcile_groups(CARDS, ORDERS, now=NOW))


def arrow_tables():
    cards = pa.table({"municipality": CARDS["municipality"], "signed_at": pa.array(EPOCHS.astype("datetime64[s]"), pa.timestamp("s", tz="UTC"))})
    orders = pa.table({"municipality": ORDERS["municipality"], "number": ORDERS["number"], "date": pa.array(ORDERS["date"], pa.date32()), "amount_cents": ORDERS["amount_cents"]})
    return cards, orders


def test_pyarrow_tables_give_the_numpy_rows(expected: list) -> None:
    cards, orders = arrow_tables()
    assert rows(c.reconcile_groups(cards, orders, now=NOW)) == expected
    # record batches (__arrow_c_array__) too
    assert rows(c.reconcile_groups(cards.to_batches()[0], orders.to_batches()[0], now=NOW)) == expected


def test_polars_frames_with_microsecond_timestamps(expected: list) -> None:
    cards = pl.DataFrame({"municipality": CARDS["municipality"], "signed_at": pl.Series(EPOCHS * 1_000_000).cast(pl.Datetime("us", "Europe/Rome"))})
    orders = pl.DataFrame({"municipality": ORDERS["municipality"], "number": ORDERS["number"], "date": pl.Series(ORDERS["date"]).cast(pl.Date), "amount_cents": ORDERS["amount_cents"]})
    assert rows(c.reconcile_groups(cards, orders, now=NOW)) == expected


def test_duckdb_relations_with_iso_dates(expected: list) -> None:
    con = duckdb.connect()
    cards_pa, _ = arrow_tables()
    con.register("cards_in", cards_pa)
    cards = con.sql("select municipality, signed_at from cards_in")
    orders = con.sql("select * from (values ('032001', '12', '2024-04-10', 5037::bigint), ('058091', '1', '2024-04-10', 1679::bigint)) t(municipality, number, date, amount_cents)")
    assert rows(c.reconcile_groups(cards, orders, now=NOW)) == expected


def test_allocate_takes_arrow_cards_and_orders() -> None:
    cards, orders = arrow_tables()
    expected = c.allocate(EPOCHS[:3], {k: v[:1] for k, v in ORDERS.items() if k != "municipality"})
    got = c.allocate(cards.column("signed_at").slice(0, 3), orders.slice(0, 1))
    assert got.quarters == expected.quarters and got.credit == expected.credit == Decimal("0")
    # a polars Series of int64 epoch seconds; a table with signed_at
    assert c.allocate(pl.Series(EPOCHS[:3]), orders.slice(0, 1)).quarters == expected.quarters
    assert c.allocate(cards.slice(0, 3), orders.slice(0, 1)).quarters == expected.quarters


def test_one_chunk_of_int64_is_not_copied() -> None:
    arrow = pa.array(EPOCHS)
    seen = c._native.arrow_array(arrow, "seconds", "signed_at")
    address = arrow.buffers()[1].address
    assert seen.__array_interface__["data"][0] == address, "the numpy array views the Arrow buffer"
    assert not seen.flags.writeable
    del arrow
    assert list(seen) == list(EPOCHS), "the buffer outlives the Arrow array"


def test_nulls_and_floats_are_coded_errors() -> None:
    with pytest.raises(e.CieError) as raised:
        c.allocate(pa.array([1710921600, None], pa.int64()), [])
    assert raised.value.code == "INPUT_FORMAT" and "1 missing values (the first at row 1)" in str(raised.value)
    _, orders = arrow_tables()
    floats = orders.set_column(3, "amount_cents", pa.array([50.37, 16.79]))
    with pytest.raises(e.CieError) as raised:
        c.reconcile_groups(arrow_tables()[0], floats, now=NOW)
    assert raised.value.code == "FLOAT_NOT_ALLOWED"
    with pytest.raises(e.CieError) as raised:
        c.reconcile_groups(arrow_tables()[0], orders.drop_columns(["number"]), now=NOW)
    assert raised.value.code == "INPUT_FORMAT"


def test_results_as_arrow_tables_with_exact_money() -> None:
    cards, orders = arrow_tables()
    result = c.reconcile_groups(cards, orders, now=NOW)
    table = pa.table(result.arrow())
    assert table.num_rows == len(result.rows)
    assert table.schema.field("amount").type == pa.decimal128(18, 2)
    # Differences of cards are integers, as discrepancies are (and as the CLI writes them).
    assert table.schema.field("mismatch").type == table.schema.field("discrepancy").type == pa.int64()
    q1 = [r for r in table.to_pylist() if r["municipality"] == "032001" and r["quarter"] == "2024-Q1"]
    assert q1[0]["amount"] == Decimal("50.37") and q1[0]["cards_from_amount"] == 3
    assert pl.DataFrame(result.arrow()).height == table.num_rows, "polars reads it too"
    summary = pa.table(result.summary_arrow()).to_pylist()
    assert [r["municipality"] for r in summary] == ["032001", "058091"]
    assert summary[0]["credit"] == Decimal("0.00") and summary[0]["cards"] == 3
    con = duckdb.connect()
    arrow_result = result.arrow()
    assert con.sql("select sum(amount) from arrow_result").fetchall()[0][0] == Decimal("67.16")


def test_arrow_keys_only_in_orders_still_form_groups() -> None:
    cards, orders = arrow_tables()
    extra = pa.table({"municipality": ["099999"], "number": ["5"], "date": pa.array(np.array(["2024-04-10"], dtype="datetime64[D]"), pa.date32()), "amount_cents": [1679]})
    both = pa.concat_tables([orders, extra])
    by_arrow = c.reconcile_groups(cards, both, now=NOW)
    by_numpy = c.reconcile_groups(CARDS, {k: list(orders.column(k).to_pylist()) + extra.column(k).to_pylist() for k in ("municipality", "number", "amount_cents")} | {"date": np.array(["2024-04-10"] * 3, dtype="datetime64[D]")}, now=NOW)
    assert rows(by_arrow) == rows(by_numpy)
    assert [s["municipality"] for s in by_arrow.summaries] == ["032001", "058091", "099999"]
    assert by_arrow.summaries[2]["credit"] == Decimal("16.79"), "an order without cards is a credit"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_long_arrow_key_columns_are_numbered_alike_on_several_threads(seed: int) -> None:
    """An Arrow key column long enough to be read on several threads, in chunks (runs cut at
    the parts' and the chunks' ends, an unsorted stretch, keys of different lengths) gets the
    numbering of one thread."""
    from cie_pagamenti import _native

    rng = np.random.default_rng(seed)
    names = np.asarray([f"{k:0{int(rng.integers(1, 8))}d}" for k in rng.integers(0, 400, 300)])
    keys = np.repeat(names, rng.integers(1, 9000, len(names)))[: 1 << 21]
    start = int(rng.integers(0, len(keys) - 5000))
    keys[start:start + 5000] = rng.permutation(keys[start:start + 5000])
    cut = int(rng.integers(1, len(keys)))
    table = pa.Table.from_batches([
        pa.record_batch({"k": pa.array(keys[:cut])}),
        pa.record_batch({"k": pa.array(keys[cut:])}),
    ])
    one_codes, one_names = _native.arrow_columns(table, [("k", "key")], 1)["k"]
    many_codes, many_names = _native.arrow_columns(table, [("k", "key")], 3)["k"]
    assert len(one_codes) == len(keys) >= 1 << 20
    assert list(many_names) == list(one_names)
    assert np.array_equal(many_codes, one_codes)
    # and the one-thread numbering is a dict's
    index: dict = {}
    assert np.array_equal(one_codes, np.asarray([index.setdefault(k, len(index)) for k in keys.tolist()]))


@pytest.mark.parametrize("threads", [-1, "2", 2.5, None])
def test_reconcile_groups_refuses_a_thread_count_that_is_no_whole_number(threads: object) -> None:
    """A bad ``threads`` is a coded error whatever the input's form (Arrow tables are read on
    threads before anything else), and numpy integers are taken."""
    for cards in (CARDS, pa.table(CARDS)):
        with pytest.raises(e.CieError) as bad:
            c.reconcile_groups(cards, ORDERS, now=NOW, threads=threads)
        assert bad.value.code == "INPUT_FORMAT"
    assert c.reconcile_groups(pa.table(CARDS), ORDERS, now=NOW, threads=np.int64(2)).summary_columns["cards"].tolist() == [3, 1]


def _required_parameters(fn) -> bool:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return True  # not introspectable: not called
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               for p in signature.parameters.values())


def test_arrow_results_work_with_the_wheels_dependencies_alone() -> None:
    """Every public attribute of the object `arrow()` returns works with what the wheel
    installs (no arro3, no pyarrow needed): a script that prints its schema or its rows must
    not meet a ModuleNotFoundError of a package nobody told it to install."""
    result = c.reconcile_groups(CARDS, ORDERS, now=NOW)
    for table, reference in ((result.arrow(), pa.table(result.arrow())), (result.summary_arrow(), pa.table(result.summary_arrow()))):
        for name in (n for n in dir(table) if not n.startswith("_")):
            value = getattr(table, name)  # a property is read here
            if callable(value) and not _required_parameters(value):
                try:
                    value()
                except e.CieError:
                    pass  # a coded error (an optional package missing) is a documented answer
        assert table.num_rows == reference.num_rows and len(table) == reference.num_rows
        assert table.column_names == reference.column_names
        assert table.shape == (reference.num_rows, reference.num_columns)
        assert "decimal128(18, 2)" in repr(table) or "Decimal128(18, 2)" in repr(table)
        assert table.to_pyarrow().equals(reference)
        assert table.to_polars().height == reference.num_rows


def test_arrow_conversions_name_the_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    table = c.reconcile_groups(CARDS, ORDERS, now=NOW).arrow()
    for module, convert in (("pyarrow", table.to_pyarrow), ("polars", table.to_polars)):
        monkeypatch.setitem(__import__("sys").modules, module, None)  # `import` now fails
        with pytest.raises(e.CieError) as raised:
            convert()
        assert raised.value.code == "INPUT_FORMAT" and f"pip install {module}" in str(raised.value)


def test_time_zone_aware_pandas_moments_are_the_same_instants() -> None:
    """`pd.to_datetime(..., utc=True)` and `.dt.tz_convert("Europe/Rome")` give the moments the
    int64 column holds: the same rows, for the grouped call, `allocate` and `quarter_of_many`."""
    pd = pytest.importorskip("pandas")
    instants = pd.to_datetime(pd.Series(EPOCHS), unit="s", utc=True)
    expected_rows = rows(c.reconcile_groups(CARDS, ORDERS, now=NOW))
    single_orders = {k: v[:1] for k, v in ORDERS.items() if k != "municipality"}
    expected_allocation = c.allocate(EPOCHS[:3], single_orders).to_dict()
    for zone in (None, "UTC", "Europe/Rome"):
        moments = instants.dt.tz_convert(zone) if zone else instants.dt.tz_localize(None)
        cards = pd.DataFrame({"municipality": CARDS["municipality"], "signed_at": moments})
        assert rows(c.reconcile_groups(cards, ORDERS, now=NOW)) == expected_rows
        assert c.allocate(moments[:3], single_orders).to_dict() == expected_allocation
        assert c.quarter_of_many(moments).tolist() == c.quarter_of_many(EPOCHS).tolist()


def test_a_polars_lazy_frame_is_collected() -> None:
    cards, orders = pl.DataFrame(CARDS), pl.DataFrame(ORDERS)
    expected = rows(c.reconcile_groups(cards, orders, now=NOW))
    assert rows(c.reconcile_groups(cards.lazy(), orders.lazy(), now=NOW)) == expected
    allocated = c.allocate(cards.lazy().select("signed_at").head(3), orders.lazy().drop("municipality").head(1))
    assert allocated.to_dict() == c.allocate(EPOCHS[:3], {k: v[:1] for k, v in ORDERS.items() if k != "municipality"}).to_dict()


@pytest.mark.parametrize("missing", [None, float("nan"), "pd.NA"])
def test_a_missing_key_is_refused_with_its_row_in_every_input_form(missing) -> None:
    """A card or an order without a municipality belongs to none: refused (as the Arrow path
    refuses a null key), never counted for a municipality called "nan" or None."""
    pd = pytest.importorskip("pandas")
    value = pd.NA if missing == "pd.NA" else missing
    keys = ["032001", value, "058091", "032001"]
    cards = {"municipality": keys, "signed_at": np.append(EPOCHS[:3], EPOCHS[0])}
    for given in (cards, pd.DataFrame(cards), pd.DataFrame(cards).astype({"municipality": "string"})):
        with pytest.raises(e.CieError) as raised:
            c.reconcile_groups(given, ORDERS, now=NOW)
        assert raised.value.code == "INPUT_FORMAT"
        assert "cards" in str(raised.value) and "row 1" in str(raised.value), str(raised.value)
    orders = {**ORDERS, "municipality": [ORDERS["municipality"][0], value]}
    with pytest.raises(e.CieError) as raised:
        c.reconcile_groups(CARDS, orders, now=NOW)
    assert raised.value.code == "INPUT_FORMAT" and "orders" in str(raised.value) and "row 1" in str(raised.value)
    assert "InputError(" not in str(raised.value), "one message, not an error inside another"


def test_a_card_or_order_after_now_refuses_only_its_municipality() -> None:
    late_card = {**CARDS, "signed_at": np.append(EPOCHS[:3], int(NOW.timestamp()) + 1)}
    result = c.reconcile_groups(late_card, ORDERS, now=NOW)
    by_key = {s["municipality"]: s for s in result.summaries}
    assert by_key["032001"]["error_code"] is None
    assert (by_key["058091"]["error_code"], by_key["058091"]["error_row"]) == ("CARD_DATE_FUTURE", 3)
    assert {r["municipality"] for r in result.rows} == {"032001"}
    late_order = {**ORDERS, "date": np.array(["2024-04-10", "2024-11-16"], dtype="datetime64[D]")}
    summary = {s["municipality"]: s for s in c.reconcile_groups(CARDS, late_order, now=NOW).summaries}
    assert summary["058091"]["error_code"] == "ORDER_DATE_FUTURE" and "1, 2024-11-16" in summary["058091"]["error"]
    assert summary["032001"]["error_code"] is None


def test_arrow_cards_with_tables_of_other_forms_keep_their_keys() -> None:
    """Arrow cards beside a pandas DataFrame of orders (or CIEonline counts): the frame's keys
    are matched by value. They were read as group numbers ("032001" became group 32001, and a
    key "1" would have been the second municipality)."""
    pd = pytest.importorskip("pandas")
    expected = rows(c.reconcile_groups(CARDS, ORDERS, now=NOW))
    cards = pa.table(CARDS)
    for orders in (pd.DataFrame(ORDERS), ORDERS, pl.DataFrame(ORDERS)):
        assert rows(c.reconcile_groups(cards, orders, now=NOW)) == expected
    # Keys that look like group numbers: the municipalities "1" and "0".
    small = {**CARDS, "municipality": ["1", "1", "1", "0"]}
    small_orders = {**ORDERS, "municipality": ["1", "0"]}
    want = rows(c.reconcile_groups(small, small_orders, now=NOW))
    assert rows(c.reconcile_groups(pa.table(small), pd.DataFrame(small_orders), now=NOW)) == want
    counts = pd.DataFrame({"municipality": ["0"], "quarter": ["2024-Q2"], "cards": [1]})
    summary = c.reconcile_groups(pa.table(small), small_orders, counts, now=NOW).summaries
    assert {s["municipality"]: s["discrepancies"] + s["mismatches"] for s in summary} == {"1": 0, "0": 0}
    with pytest.raises(e.CieError) as raised:
        c.reconcile_groups(pa.table(small), {**small_orders, "municipality": ["1", None]}, now=NOW)
    assert raised.value.code == "INPUT_FORMAT" and "orders" in str(raised.value) and "row 1" in str(raised.value)
    assert "InputError(" not in str(raised.value), "one message, not an error inside another"


def test_cieonline_counts_are_whole_numbers() -> None:
    """A count of 5.5 cards is not read as 5: floating-point counts are refused in every input
    form, as the Arrow path refuses them."""
    pd = pytest.importorskip("pandas")
    counts = {"municipality": ["032001"], "quarter": ["2024-Q1"], "cards": [5.5]}
    for given in (counts, pd.DataFrame(counts), {**counts, "cards": np.array([3.0])}):
        with pytest.raises(e.CieError) as raised:
            c.reconcile_groups(CARDS, ORDERS, given, now=NOW)
        assert raised.value.code == "FLOAT_NOT_ALLOWED", raised.value
    whole = c.reconcile_groups(CARDS, ORDERS, {**counts, "cards": [3]}, now=NOW)
    assert [r["cieonline_cards"] for r in whole.rows if r["quarter"] == "2024-Q1" and r["municipality"] == "032001"] == [3]


def test_two_cieonline_counts_for_one_quarter_refuse_that_municipality() -> None:
    counts = {"municipality": ["032001", "058091", "032001"], "quarter": ["2024-Q1", "2024-Q1", "2024-Q1"], "cards": [3, 0, 2]}
    summary = {s["municipality"]: s for s in c.reconcile_groups(CARDS, ORDERS, counts, now=NOW).summaries}
    assert summary["032001"]["error_code"] == "CIEONLINE_DUPLICATE" and "cieonline row 2" in summary["032001"]["error"]
    assert summary["058091"]["error_code"] is None


def test_order_dates_with_a_time_zone_are_refused_not_shifted() -> None:
    """An order at 00:30 of 11 April in Rome is 22:30 of 10 April in UTC: a date column of
    moments with a time zone has no single reading, so it is refused (the scalar API refuses a
    datetime where a date is expected), never read as the UTC day."""
    pd = pytest.importorskip("pandas")
    moments = pd.to_datetime(["2024-04-10 23:30", "2024-04-11 00:30"]).tz_localize("Europe/Rome")
    orders = {"number": ["1", "2"], "date": moments, "amount_cents": np.array([1679, 1679])}
    for given in (pd.DataFrame(orders), pa.table({**orders, "date": pa.array(moments)}), pl.DataFrame({**orders, "date": pl.Series(moments)})):
        with pytest.raises(e.CieError) as raised:
            c.allocate(EPOCHS[:3], given)
        assert raised.value.code == "DATE_FORMAT", raised.value
    # Naive moments are Rome's own: their day is the date, as before.
    naive = c.allocate(EPOCHS[:3], pd.DataFrame({**orders, "date": moments.tz_localize(None)}))
    assert [o["date"].isoformat() for o in naive.to_dict()["orders"]] == ["2024-04-10", "2024-04-11"]
