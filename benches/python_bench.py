"""Python benchmark: cie_pagamenti vs python-stdnum (validators) and vs numpy / pandas
formulations of the national year (10 M cards, 833 k orders). One run prints one table.

    target/python/venv/bin/pip install python-stdnum
    target/python/venv/bin/python benches/python_bench.py
"""

from __future__ import annotations

import resource
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal

import numpy as np

import cie_pagamenti as c


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def validators() -> None:
    from stdnum import iban as std_iban
    from stdnum.it import codicefiscale

    codes = ["RSSMRA80A01H501U", "RSSMRAQRCMNFNLRG", "BNCLRA85M41H501F"] * 50_000
    ibans = ["IT81J0100003245348010374600"] * 150_000
    ours = best(lambda: [c.is_valid_fiscal_code(x) for x in codes]) / len(codes)
    theirs = best(lambda: [codicefiscale.is_valid(x) for x in codes]) / len(codes)
    print(f"fiscal code   cie_pagamenti {ours * 1e9:8.0f} ns   stdnum {theirs * 1e9:8.0f} ns   {theirs / ours:6.1f}x")
    ours = best(lambda: [c.is_valid_iban(x) for x in ibans]) / len(ibans)
    theirs = best(lambda: [std_iban.is_valid(x) for x in ibans]) / len(ibans)
    print(f"IBAN          cie_pagamenti {ours * 1e9:8.0f} ns   stdnum {theirs * 1e9:8.0f} ns   {theirs / ours:6.1f}x")


def national_year() -> None:
    rng = np.random.default_rng(2024)
    start, end = 1_577_836_800, 1_735_689_600  # 2020-01-01 .. 2025-01-01 UTC
    cards = np.sort(rng.integers(start, end, size=10_000_000, dtype=np.int64))
    n_orders = 833_000
    days = np.sort(rng.integers(20, 1826, size=n_orders))
    n_cards = rng.integers(1, 24, size=n_orders)
    orders = [c.PaymentOrder(str(i), date(2020, 1, 1) + timedelta(days=int(d)), Decimal(int(k) * 1679) / 100) for i, (d, k) in enumerate(zip(days, n_cards))]

    def ours():
        a = c.allocate(cards, orders)
        return a.quarters

    columns = {
        "number": [str(i) for i in range(n_orders)],
        "date": np.datetime64("2020-01-01") + days.astype("timedelta64[D]"),
        "amount_cents": n_cards * 1679,
    }

    def ours_columns():
        a = c.allocate(cards, columns)
        return a.quarters

    # the numbers as an integer column (a DataFrame read from CSV): no Python string at all
    integer_columns = dict(columns, number=np.arange(n_orders, dtype=np.int64))

    def ours_integer_columns():
        return c.allocate(cards, integer_columns).quarters

    # Rome quarter starts 2020-Q1 .. 2025-Q1 in epoch seconds, by the standard library alone
    rome = ZoneInfo("Europe/Rome")
    bounds = np.array(
        [int(datetime(y, m, 1, tzinfo=rome).timestamp()) for y in range(2020, 2025) for m in (1, 4, 7, 10)]
        + [int(datetime(2025, 1, 1, tzinfo=rome).timestamp())],
        dtype=np.int64,
    )

    def numpy_formulation():
        # cumulative price of the oldest cards vs cumulative budgets of the orders; the paid
        # cards (a prefix of the sorted array) counted per quarter by searching the quarter
        # boundaries — pure numpy, no help from this library
        cum_price = np.cumsum(np.full(cards.shape, 1679, dtype=np.int64))
        budgets = np.cumsum(n_cards * 1679)
        paid_upto = np.searchsorted(cum_price, budgets, side="right")
        paid = cards[: paid_upto[-1]]
        return np.diff(np.searchsorted(paid, bounds))

    def pandas_formulation():
        import pandas as pd

        s = pd.to_datetime(cards, unit="s", utc=True).tz_convert("Europe/Rome")
        return pd.Series(s.year * 10 + s.quarter).value_counts()

    # the formulations compute the same thing: paid cards per quarter
    labels = [f"{y}-Q{n}" for y in range(2020, 2025) for n in (1, 2, 3, 4)]
    by_numpy = {q: int(x) for q, x in zip(labels, numpy_formulation()) if x}
    by_us = {str(q): r.cards_paid for q, r in c.allocate(cards, columns).quarters.items() if r.cards_paid}
    assert by_numpy == by_us, (by_numpy, by_us)

    def kept_alive() -> float:
        # each result kept (as a script or notebook holding its results does): the next call
        # cannot reuse the memory the previous one keeps for the per-order detail
        kept, times = [], []
        for _ in range(4):
            t = time.perf_counter()
            kept.append(c.allocate(cards, integer_columns))
            _ = kept[-1].quarters
            times.append(time.perf_counter() - t)
        return sorted(times)[len(times) // 2]

    t_kept = kept_alive()
    t_ours = best(ours, 3)
    t_columns = best(ours_columns, 3)
    t_integers = best(ours_integer_columns, 3)
    t_numpy = best(numpy_formulation, 3)
    t_pandas = best(pandas_formulation, 1)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"national year allocate, orders as columns, int64 numbers {t_integers * 1e3:5.0f} ms   "
          f"numpy {t_numpy / t_integers:4.1f}x   pandas {t_pandas / t_integers:4.1f}x")
    print(f"national year allocate, orders as columns, int64 numbers, results kept {t_kept * 1e3:5.0f} ms   "
          f"numpy {t_numpy / t_kept:4.1f}x   pandas {t_pandas / t_kept:4.1f}x")
    print(f"national year allocate, orders as columns {t_columns * 1e3:8.0f} ms   numpy {t_numpy / t_columns:4.1f}x   "
          f"pandas {t_pandas / t_columns:4.1f}x")
    print(f"national year allocate {t_ours * 1e3:8.0f} ms   numpy {t_numpy * 1e3:8.0f} ms ({t_numpy / t_ours:4.1f}x)   "
          f"pandas {t_pandas * 1e3:8.0f} ms ({t_pandas / t_ours:4.1f}x)   peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    validators()
    national_year()
