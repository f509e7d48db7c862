"""Reconcile the example municipality shipped in examples/ with the Python API.

    python bindings-python/examples/reconcile.py examples/

Reads cards.csv, orders.csv and cieonline.csv (the CLI's input format), allocates the orders
to the quarters of the cards they pay, and prints the Resoconto dei Trimestri.
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import cie_pagamenti as c


def rows(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        f.seek(0)
        yield from csv.DictReader(f, delimiter=";" if first.count(";") >= first.count(",") and ";" in first else ",")


def main(folder: Path) -> None:
    cards = [r["signed_at"] for r in rows(folder / "cards.csv")]
    orders = [
        c.PaymentOrder(
            number=r["numero"],
            date=c.parse_date(r["data"]),
            amount=r["importo"],  # portal text "1234,56": parsed exactly by the library
            period=(c.parse_date(r["dal"]), c.parse_date(r["al"])) if r.get("dal") else None,
        )
        for r in rows(folder / "orders.csv")
    ]
    cieonline = {r["trimestre"]: int(r["carte"]) for r in rows(folder / "cieonline.csv")}
    q = c.Quarter(2020, 1)
    transmitted = []
    while q <= c.Quarter(2024, 2):
        transmitted.append(q)
        q = q.next()
    allocation = c.allocate(cards, orders)
    r = c.reconcile(allocation, cieonline, transmitted, now=datetime(2024, 11, 15, 12))
    print(f"{'trimestre':9}  {'importo':>10}  {'carte':>6}  {'CIEonline':>9}  note")
    for row in r.quarters:
        note = []
        if not row.exact:
            note.append(f"non multiplo: integrare {c.format_amount(row.top_up)}")
        if row.discrepancy:
            note.append(f"discrepanza {row.discrepancy:+d}")
        if row.mismatch:
            note.append(f"da verificare prima della firma {row.mismatch:+d}")
        print(f"{str(row.quarter):9}  {c.format_amount(row.amount):>10}  {row.cards_from_amount:>6}  {'n.d.' if row.cieonline_cards is None else row.cieonline_cards:>9}  {'; '.join(note)}")
    print(f"bilancia: {r.balance}; discrepanze: {r.discrepancies}; quota comunale: {c.format_amount(r.municipal_share)} "
          f"(sospesa {c.format_amount(r.suspended_share)}); prossimo: {r.next_to_transmit}")
    split = [o for o in allocation.orders if o.split]
    for o in split:
        print(f"mandato {o.number} ripartito: " + " + ".join(f"{p.quarter} {c.format_amount(p.amount)}" for p in o.portions))
    assert sum((Decimal(p.amount) for o in allocation.orders for p in o.portions), Decimal(0)) + allocation.credit == sum(
        (c.parse_amount(o.amount) for o in orders), Decimal(0)
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "examples"))
