"""The national job on Spark 4: `cogroup(...).applyInArrow` hands each bucket of whole
municipalities (its cards and its orders, as two Arrow tables) to `cie_pagamenti.reconcile_groups`,
which reconciles every municipality of the bucket on its own (§3.4). The input is Parquet
partitioned by bucket, as in `dask_national.py`; with `--check`, the rows are compared with one
single-process call on all the data.

    pip install "pyspark>=4,<5" pyarrow "pandas<3"      (and a Java runtime, 17 or later)
    python examples/spark_national.py [--municipalities 300] [--workers 2] [--check]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

import cie_pagamenti as c
from dask_national import NOW, arguments, canonical, generate, write_parquet

# The rows `GroupedReconciliation.arrow()` gives, as Spark declares them.
ROWS = (
    "municipality string, quarter string, amount decimal(18,2), cards_from_amount long, exact boolean, "
    "top_up decimal(18,2), cieonline_cards long, discrepancy long, mismatch long, state string, "
    "zero_quarter boolean"
)


def reconcile_bucket(cards, orders):  # two pyarrow.Table, one result pyarrow.Table
    """What each Spark task runs: the bucket's municipalities, each reconciled alone. The
    tables' extra column (the bucket) is ignored; one thread, as Spark runs a task per core."""
    result = c.reconcile_groups(cards, orders, now=NOW, threads=1)
    return result.arrow().to_pyarrow()


def run_spark(root: Path, workers: int, buckets: int) -> pd.DataFrame:
    # The workers run this interpreter (the one with cie_pagamenti installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{workers}]")
        .appName("cie-pagamenti national job")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(buckets))
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        cards = spark.read.parquet(str(root / "cards"))
        orders = spark.read.parquet(str(root / "orders"))
        rows = cards.groupBy("bucket").cogroup(orders.groupBy("bucket")).applyInArrow(reconcile_bucket, ROWS)
        return rows.toArrow().to_pandas()
    finally:
        spark.stop()


def main() -> None:
    args = arguments(__doc__)
    cards, orders = generate(args.municipalities)
    # Order dates as dates (Parquet `date32`, Spark `DateType`): a timestamp column would be
    # shifted by the session's time zone.
    orders = orders.assign(date=orders["date"].dt.date)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_parquet(cards, orders, root, args.buckets)
        distributed = canonical(run_spark(root, args.workers, args.buckets))
    print(f"{distributed['municipality'].nunique()} municipalities, {len(distributed)} quarter rows, "
          f"Spark local[{args.workers}], {args.buckets} Parquet partitions")
    if args.check:
        single = c.reconcile_groups(cards, orders, now=NOW).arrow().to_pyarrow().to_pandas()
        pd.testing.assert_frame_equal(distributed, canonical(single))
        print("equal to the single-process call")


if __name__ == "__main__":
    main()
