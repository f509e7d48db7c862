#!/usr/bin/env python3
"""Generates the example municipality shipped in examples/ (deterministic, seeded).

"Comune di Castelprova", 2020-2024: cards signed on working days, one payment order per
fortnight declaring the period it pays for. On purpose the data contains:
- a zero quarter: 2020-Q2 (offices closed in the lockdown: no cards, no orders);
- a split order: 2021 order 301 pays 16/06/2021-15/07/2021 (Q2 and Q3);
- an over-payment: 2021-Q4, order 402 pays two cards more than signed (credit);
- an under-payment: 2023-Q3, order 1615 pays three cards fewer than signed (debit);
- a non-multiple amount: 2024-Q3, order 1818 is € 0,50 over a whole number of cards;
- the circular's example: the order for 16-31/03/2022 is dated 10/04/2022 and belongs to Q1;
- a few late payments (warnings);
- CIEonline counts equal to the cards signed, except 2022-Q1 where CIEonline counts one more.
Run: python3 examples/generate.py  (rewrites cards.csv, orders.csv, cieonline.csv)
"""
import calendar
import datetime as dt
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
PRICE = 1679  # cents
rng = random.Random(20240331)

HOLIDAYS = {(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26)}

def fortnights(year):
    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        yield dt.date(year, month, 1), dt.date(year, month, 15)
        yield dt.date(year, month, 16), dt.date(year, month, last)

def quarter(d):
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"

cards = []  # (id, local datetime text)
per_fortnight = {}
card_no = 0
for year in range(2020, 2025):
    for start, end in fortnights(year):
        if dt.date(2020, 3, 9) <= start <= dt.date(2020, 6, 30) or (start.year == 2020 and start.month in (4, 5, 6)):
            per_fortnight[(start, end)] = 0
            continue
        if start >= dt.date(2024, 10, 1):
            break
        n = 0
        day = start
        while day <= end:
            if day.weekday() < 5:
                for _ in range(rng.randint(2, 7)):
                    card_no += 1
                    t = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)))
                    cards.append((f"CA{card_no:08d}", t))
                    n += 1
            day += dt.timedelta(days=1)
        per_fortnight[(start, end)] = n

orders = []  # (number, date, cents, from, to)
number = 100
pending = None
for (start, end), n in sorted(per_fortnight.items()):
    if n == 0:
        continue
    number += 1
    count = n
    if (start, end) == (dt.date(2021, 6, 16), dt.date(2021, 6, 30)):
        pending = (start, n)  # paid together with the next fortnight: the split order
        number -= 1
        continue
    if pending:
        start, count = pending[0], pending[1] + n
        pending = None
        label = 301
    else:
        label = number
    if (start, end) == (dt.date(2021, 12, 16), dt.date(2021, 12, 31)):
        label, count = 402, count + 2
    if (start, end) == (dt.date(2023, 8, 1), dt.date(2023, 8, 15)):
        label, count = 1615, count - 3
    cents = count * PRICE
    if (start, end) == (dt.date(2024, 9, 1), dt.date(2024, 9, 15)):
        label, cents = 1818, cents + 50
    # Paid on the fortnight's due date (DM 25 May 2016): the 15th, or the next working day, for
    # the first half; the last working day of the month for the second (Easter Monday aside).
    paid = end
    step = dt.timedelta(days=1 if end.day == 15 else -1)
    while paid.weekday() >= 5 or (paid.month, paid.day) in HOLIDAYS:
        paid += step
    if rng.random() < 0.08:
        paid += dt.timedelta(days=rng.randint(2, 9))  # a late payment: a warning, not an error
    if (start, end) == (dt.date(2022, 3, 16), dt.date(2022, 3, 31)):
        paid = dt.date(2022, 4, 10)  # the circular's example: paid in April for March cards -> Q1
    if label == 301:
        paid = dt.date(2021, 7, 15)
    orders.append((str(label), paid, cents, start, end))

def it_date(d):
    return d.strftime("%d/%m/%Y")

def it_amount(cents):
    return f"{cents // 100},{cents % 100:02d}"

with open(os.path.join(HERE, "cards.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("card_id,signed_at\n")
    for cid, t in cards:
        f.write(f"{cid},{t.strftime('%Y-%m-%dT%H:%M:%S')}\n")

with open(os.path.join(HERE, "orders.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("numero;data;importo;dal;al\n")
    for num, paid, cents, start, end in orders:
        f.write(f"{num};{it_date(paid)};{it_amount(cents)};{it_date(start)};{it_date(end)}\n")

# The same orders as the accounting software's spreadsheet export: Excel dates, number amounts.
import xlsx  # noqa: E402  (examples/xlsx.py)

EPOCH = dt.date(1899, 12, 30)
rows = [[("s", "Numero mandato"), ("s", "Data mandato"), ("s", "Importo €"), ("s", "Dal"), ("s", "Al")]]
for num, paid, cents, start, end in orders:
    rows.append([("s", num), ("d", str((paid - EPOCH).days)), ("n", f"{cents // 100}.{cents % 100:02d}"),
                 ("d", str((start - EPOCH).days)), ("d", str((end - EPOCH).days))])
xlsx.write_xlsx(os.path.join(HERE, "mandati.xlsx"), [("Mandati", rows)])

counts = {}
for _, t in cards:
    counts[quarter(t.date())] = counts.get(quarter(t.date()), 0) + 1
with open(os.path.join(HERE, "cieonline.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("trimestre;carte\n")
    for y in range(2020, 2025):
        for q in range(1, 5):
            key = f"{y}-Q{q}"
            if key > "2024-Q3":
                continue
            c = counts.get(key, 0) + (1 if key == "2022-Q1" else 0)
            f.write(f"{key};{c}\n")
print(f"{len(cards)} cards, {len(orders)} orders")
