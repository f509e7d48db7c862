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


def _dict_numbering(columns: list) -> tuple:
    """The reference: keys numbered by first appearance through a dict, column after column."""
    index: dict = {}
    numbers = []
    for column in columns:
        numbers.append([index.setdefault(k, len(index)) for k in (column.tolist() if column is not None else [])])
    return list(index), numbers


key_lists = st.lists(st.sampled_from(["058091", "032001", "1272", "", "ž", "00127"]), max_size=60)


@settings(max_examples=200, deadline=None)
@given(key_lists, key_lists, st.booleans(), st.sampled_from(["U", "S", "int"]))
def test_group_keys_are_numbered_as_by_a_dict(cards: list, orders: list, runs: bool, kind: str) -> None:
    """The native numbering of fixed-width keys (runs read in one comparison) gives exactly the
    groups and names of a dict, sorted (runs) or not, for text and integer keys."""
    import numpy as np

    from cie_pagamenti import _factorize

    if runs:
        cards = sorted(cards)
    if kind == "int":
        to = lambda ks: np.asarray([int.from_bytes(k.encode(), "little") for k in ks], dtype=np.int64)  # noqa: E731
    elif kind == "S":
        to = lambda ks: np.asarray([k.encode() for k in ks], dtype="S")  # noqa: E731
    else:
        to = lambda ks: np.asarray(ks, dtype="U")  # noqa: E731
    columns = [to(cards), to(orders), None, to(orders[:3])]
    names, groups, ends = _factorize(np, columns)
    expected_names, expected = _dict_numbering(columns)
    assert ends is None
    # Plain Python values (str, bytes, int), not numpy scalars.
    assert names == expected_names and not any(hasattr(n, "item") for n in names)
    assert [g.tolist() for g in groups] == [e or [] for e in expected]
    assert groups[0].dtype == np.uint32 and all(g.dtype == np.int64 for g in groups[1:])
    _check_card_runs(np, columns, groups)
    # Object columns take the dict's way, with the same numbering.
    objects = [None if c is None else c.astype(object) for c in columns]
    names, groups, _ = _factorize(np, objects)
    assert [g.tolist() for g in groups] == [e or [] for e in expected]


def _check_card_runs(np, columns, groups, threads=0):  # type: ignore[no-untyped-def]
    """Asked for the cards' runs: given exactly when each group's cards are one run, and then
    the numbers they stand for; the other columns numbered as without them."""
    from cie_pagamenti import _factorize

    names, with_runs, ends = _factorize(np, columns, threads, card_runs=True)
    numbers = groups[0]
    # One run each: every group's last card as far from its first as it has cards.
    _, first, counts = np.unique(numbers, return_index=True, return_counts=True)
    _, from_end = np.unique(numbers[::-1], return_index=True)
    one_run_each = bool(np.all(len(numbers) - 1 - from_end - first + 1 == counts))
    assert (ends is not None) == one_run_each
    if ends is None:
        assert np.array_equal(with_runs[0], numbers)
    else:
        assert len(with_runs[0]) == 0 and ends.dtype == np.uint64
        assert np.array_equal(np.repeat(np.arange(len(ends)), np.diff(np.concatenate([np.zeros(1, dtype=np.uint64), ends]).astype(np.int64))), numbers)
    assert all(np.array_equal(a, b) for a, b in zip(with_runs[1:], groups[1:]))


def _allocation_or_code(call):  # type: ignore[no-untyped-def]
    try:
        return [(o.number, [(str(p.quarter), p.cards) for p in o.portions]) for o in call().orders]
    except c.CieError as error:
        return error.code


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(["0", "7", "A", "/", " ", "\n", "\x00", "é", "\ud800"]), max_size=5), min_size=1, max_size=12))
def test_numpy_text_numbers_read_as_their_python_strings(numbers: list) -> None:
    """Order numbers in a numpy text column (read natively on their code points) allocate as
    the same column's Python strings do, refusals (empty, not text) included, in `allocate`
    and in `reconcile_groups`."""
    import numpy as np

    array = np.asarray(numbers, dtype="U")
    dates = np.asarray(["2024-03-10"] * len(numbers), dtype="datetime64[D]")
    cents = np.arange(1, len(numbers) + 1, dtype=np.int64) * 1679
    cards = [int(datetime(2024, 3, 1, 9).timestamp())] * 40
    as_array = _allocation_or_code(lambda: c.allocate(cards, {"number": array, "date": dates, "amount_cents": cents}))
    as_list = _allocation_or_code(lambda: c.allocate(cards, {"number": array.tolist(), "date": dates, "amount_cents": cents}))
    assert as_array == as_list
    now = datetime(2025, 2, 1)
    groups = {"municipality": np.asarray(["001272"] * len(cards)), "signed_at": np.asarray(cards)}

    def grouped(number_column):  # type: ignore[no-untyped-def]
        orders = {"municipality": np.asarray(["001272"] * len(numbers)), "number": number_column, "date": dates, "amount_cents": cents}
        try:
            return c.reconcile_groups(groups, orders, now=now).columns["amount_cents"].tolist()
        except c.CieError as error:
            return error.code

    assert grouped(array) == grouped(array.tolist())


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_long_key_columns_are_numbered_alike_on_several_threads(seed: int, threads: int) -> None:
    """A column long enough to be read on several threads (runs cut at the parts' ends, an
    unsorted stretch inside one part or across two) gets the numbering of one thread, which
    the test above holds to a dict's."""
    import numpy as np

    from cie_pagamenti import _factorize

    rng = np.random.default_rng(seed)
    names = np.asarray([f"{k:06d}" for k in rng.integers(0, 400, 300)], dtype="U6")
    column = np.repeat(names, rng.integers(1, 9000, len(names)))[: 1 << 21]
    start = int(rng.integers(0, len(column) - 5000))
    column[start:start + 5000] = rng.permutation(column[start:start + 5000])
    orders = names[rng.integers(0, len(names), 50)]
    one_names, one, _ = _factorize(np, [column, orders], 1)
    many_names, many, _ = _factorize(np, [column, orders], threads)
    assert len(column) >= 1 << 20
    assert list(many_names) == list(one_names)
    assert all(np.array_equal(a, b) for a, b in zip(many, one))
    # A stretch shuffled or not (a name may also come back in a later run), on threads.
    if rng.integers(0, 2):
        column = np.repeat(np.unique(names), 5000)[: 1 << 21]
        _, one, _ = _factorize(np, [column, orders], 1)
    _check_card_runs(np, [column, orders], one, threads)


@settings(max_examples=200, deadline=None)
@given(key_lists, st.booleans(), st.integers(0, 3), st.lists(st.integers(0, 60), max_size=3), st.booleans())
def test_arrow_keys_are_numbered_as_by_a_dict(keys: list, runs: bool, offset: int, cuts: list, adjacent: bool) -> None:
    """Arrow text keys (runs read whole on their bytes, chunk after chunk) get a dict's
    numbering, also for slices of arrays (offsets not starting at zero); the moments of a
    column in chunks are the same as in one."""
    import pytest

    pa = pytest.importorskip("pyarrow")  # not installed for the oldest Python's run

    from cie_pagamenti import _native

    if runs:
        keys = sorted(keys)
    bounds = [0, *sorted(min(c, len(keys)) for c in cuts), len(keys)]
    chunks = [pa.array(["x"] * offset + keys[a:b], pa.string()).slice(offset) for a, b in zip(bounds, bounds[1:])]
    seconds = [pa.array(list(range(a, b)), pa.timestamp("s")) for a, b in zip(bounds, bounds[1:])]
    whole = pa.array([7] * offset + list(range(len(keys))), pa.timestamp("s")).slice(offset)
    if adjacent:  # slices of one array: read in place, not copied
        seconds = [whole.slice(a, b - a) for a, b in zip(bounds, bounds[1:])]
    table = pa.table({"m": pa.chunked_array(chunks, pa.string()), "t": pa.chunked_array(seconds, pa.timestamp("s"))})
    columns = _native.arrow_columns(table, [("m", "key"), ("t", "seconds")])
    if adjacent and all(b > a for a, b in zip(bounds, bounds[1:])):
        # (an empty slice may be exported without its buffer: then the chunks are copied)
        assert columns["t"].__array_interface__["data"][0] == whole.buffers()[1].address + 8 * offset
    codes, names = columns["m"]
    expected_names, expected = _dict_numbering([np_array(keys)])
    assert names == expected_names
    assert codes.tolist() == expected[0]
    assert columns["t"].tolist() == list(range(len(keys)))
    # Asked for runs (the national job's cards): given, across the chunks, exactly when each
    # key's rows are one run, and then standing for the same numbers.
    run_codes, run_names, ends = _native.arrow_columns(table, [("m", "key-runs")])["m"]
    one_run_each = all(keys.index(k) + keys.count(k) - 1 == len(keys) - 1 - keys[::-1].index(k) for k in set(keys))
    assert run_names == names and (ends is not None) == one_run_each
    if ends is None:
        assert run_codes.tolist() == expected[0]
    else:
        assert len(run_codes) == 0
        starts = [0, *ends.tolist()[:-1]]
        assert [g for g, (a, b) in enumerate(zip(starts, ends.tolist())) for _ in range(b - a)] == expected[0]


def np_array(values: list):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.asarray(values, dtype=object)
