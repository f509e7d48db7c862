"""Run in a venv where the wheel was installed without its dependencies (no numpy, no pandas):
every public function answers with its result or a coded CieError, never a PanicException
(which escapes `except Exception`). Exit status 0 when so."""
import datetime as dt
import inspect
import sys

import cie_pagamenti as c

try:
    import numpy  # noqa: F401

    sys.exit("numpy is installed: this check needs a venv without it")
except ImportError:
    pass

panics = []


def call(name, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except c.CieError:
        pass
    except BaseException as exc:  # noqa: BLE001 - the point is to catch what should not happen
        if type(exc).__name__ == "PanicException" or not isinstance(exc, Exception):
            panics.append(f"{name}: {type(exc).__name__}: {exc}")


order = c.PaymentOrder("1", dt.date(2024, 3, 10), "16.79")
call("allocate(list)", c.allocate, [dt.datetime(2024, 3, 1, 10)], [order])
a = c.allocate([dt.datetime(2024, 3, 1, 10)], [order])
assert a.cards == 1 and a.orders[0].portions[0].quarter == c.Quarter(2024, 1), "the list path works without numpy"
call("allocate(columns)", c.allocate, [1709283600], {"number": ["1"], "date": ["2024-03-10"], "amount_cents": [1679]})
call("quarter_of_many", c.quarter_of_many, [1709283600])
call("quarters_frame", a.quarters_frame)
call("reconcile", c.reconcile, a, {"2024-Q1": 1}, now="2024-06-01T10:00:00")
call("reconcile().quarters_frame", c.reconcile(a, {}, now="2024-06-01T10:00:00").quarters_frame)
native = c._native
for name, fn in inspect.getmembers(native, callable):
    if name.startswith("_") or inspect.isclass(fn):
        continue
    for args in ([], [[1, 2]], [[1, 2], [1], [1], [1]], [None] * 7):
        call(f"_native.{name}{tuple(args)!r}", fn, *args)
if panics:
    print("\n".join(panics))
    sys.exit(1)
print("without numpy: no panic")
