"""The national sample: the example municipality (Castelprova, ISTAT 099001 here) and a second,
smaller one (099002: the same cards of 2023, half of its orders), in files with a «Codice ISTAT»
column, as a ministry or a vendor hosting many municipalities would have them.

    python3 examples/national/generate.py
"""

import csv
from pathlib import Path

here = Path(__file__).parent
examples = here.parent

with open(examples / "cards.csv") as f:
    cards = list(csv.DictReader(f))
with open(examples / "orders.csv") as f:
    orders = list(csv.DictReader(f, delimiter=";"))
with open(examples / "cieonline.csv") as f:
    counts = list(csv.DictReader(f, delimiter=";"))

with open(here / "carte.csv", "w", newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Codice ISTAT", "Data firma", "Numero carta"])
    for c in cards:
        w.writerow(["099001", c["signed_at"], c["card_id"]])
    for c in cards:
        if c["signed_at"].startswith("2023"):
            w.writerow(["099002", c["signed_at"], "B" + c["card_id"]])

with open(here / "mandati.csv", "w", newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Codice ISTAT", "Numero", "Data", "Importo", "Dal", "Al"])
    for o in orders:
        w.writerow(["099001", o["numero"], o["data"], o["importo"], o["dal"], o["al"]])
    for i, o in enumerate(orders):
        if o["data"].endswith("2023") and i % 2 == 0:
            w.writerow(["099002", o["numero"], o["data"], o["importo"], o["dal"], o["al"]])

with open(here / "cieonline.csv", "w", newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Codice ISTAT", "Trimestre", "Carte"])
    for c in counts:
        w.writerow(["099001", c["trimestre"], c["carte"]])
