"""The national sample as Parquet, typed as a data team would export it: cards as
``timestamp[us, tz=Europe/Rome]`` (pyarrow, snappy), orders with ``date32`` dates and
``decimal(18, 2)`` amounts (polars, zstd), CIEonline counts as ``int64`` (pyarrow).

    python3 examples/national/to_parquet.py      # needs pyarrow and polars
"""

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

here = Path(__file__).parent
rome = ZoneInfo("Europe/Rome")


def rows(name: str) -> list:
    with open(here / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def day(text: str) -> date:
    d, m, y = text.split("/")
    return date(int(y), int(m), int(d))


cards = rows("carte.csv")
pq.write_table(
    pa.table({
        "Codice ISTAT": pa.array([r["Codice ISTAT"] for r in cards]),
        "Data firma": pa.array([datetime.fromisoformat(r["Data firma"]).replace(tzinfo=rome) for r in cards], pa.timestamp("us", tz="Europe/Rome")),
        "Numero carta": pa.array([r["Numero carta"] for r in cards]),
    }),
    here / "carte.parquet",
    compression="snappy",
)

orders = rows("mandati.csv")
pl.DataFrame({
    "Codice ISTAT": [r["Codice ISTAT"] for r in orders],
    "Numero": [r["Numero"] for r in orders],
    "Data": [day(r["Data"]) for r in orders],
    "Importo": pl.Series([Decimal(r["Importo"].replace(",", ".")) for r in orders], dtype=pl.Decimal(18, 2)),
    "Dal": [day(r["Dal"]) if r["Dal"] else None for r in orders],
    "Al": [day(r["Al"]) if r["Al"] else None for r in orders],
}).write_parquet(here / "mandati.parquet", compression="zstd")

counts = rows("cieonline.csv")
pq.write_table(
    pa.table({
        "Codice ISTAT": [r["Codice ISTAT"] for r in counts],
        "Trimestre": [r["Trimestre"] for r in counts],
        "Carte": pa.array([int(r["Carte"]) for r in counts], pa.int64()),
    }),
    here / "cieonline.parquet",
)
