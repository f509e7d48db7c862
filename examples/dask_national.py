"""The national job on a distributed engine: Dask maps `cie_pagamenti.reconcile_groups` over
partitions of Parquet files partitioned by municipality (each partition holds whole
municipalities, so each is reconciled on its own, as §3.4 wants), on a `LocalCluster` of worker
processes. With `--check`, the result is compared with one single-process call on all the data.

    pip install "dask[distributed]" pyarrow pandas
    python examples/dask_national.py [--municipalities 300] [--workers 2] [--check]

The same function serves Spark 4: see `spark_national.py` (`cogroup(...).applyInArrow`).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

import cie_pagamenti as c

NOW = datetime(2025, 1, 15, 12, tzinfo=timezone.utc)


def generate(municipalities: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cards of 2024 and fortnightly orders for `municipalities` municipalities of Zipf-like
    sizes (a seeded, small version of the benchmark's national year)."""
    rng = np.random.default_rng(seed)
    sizes = np.maximum(1, (20_000 / np.arange(1, municipalities + 1)).astype(np.int64))
    codes = np.array([f"{i:06d}" for i in range(1, municipalities + 1)])
    group = np.repeat(np.arange(municipalities), sizes)
    start = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    epochs = start + rng.integers(0, 360 * 86_400, len(group))
    cards = pd.DataFrame({"municipality": codes[group], "signed_at": epochs})
    orders = []
    for m, code in enumerate(codes):
        for k in range(24):
            month = np.datetime64("2024-01", "M") + k // 2
            day = month.astype("datetime64[D]") + (14 if k % 2 == 0 else 27)
            paid = int(rng.integers(0, max(2, sizes[m] // 20)))
            if paid:
                orders.append((code, str(k + 1), day, paid * 1679))
    orders = pd.DataFrame(orders, columns=["municipality", "number", "date", "amount_cents"])
    return cards, orders


def bucket(codes: pd.Series, buckets: int) -> pd.Series:
    """The partition of each municipality: whole municipalities per partition."""
    return codes.map(lambda code: int(code) % buckets)


def write_parquet(cards: pd.DataFrame, orders: pd.DataFrame, root: Path, buckets: int) -> None:
    for name, frame in (("cards", cards), ("orders", orders)):
        frame.assign(bucket=bucket(frame["municipality"], buckets)).to_parquet(root / name, partition_cols=["bucket"])


def reconcile_partition(root: str, part: int) -> pd.DataFrame:
    """One partition's municipalities, each reconciled alone: what a worker runs."""
    cards = pd.read_parquet(Path(root) / "cards", filters=[("bucket", "==", part)])
    orders = pd.read_parquet(Path(root) / "orders", filters=[("bucket", "==", part)])
    if cards.empty and orders.empty:
        return pd.DataFrame()
    result = c.reconcile_groups(
        {"municipality": cards["municipality"].astype(str).to_numpy(), "signed_at": cards["signed_at"].to_numpy()},
        {
            "municipality": orders["municipality"].astype(str).to_numpy(),
            "number": orders["number"].astype(str).to_numpy(),
            "date": orders["date"].to_numpy(dtype="datetime64[D]"),
            "amount_cents": orders["amount_cents"].to_numpy(),
        },
        now=NOW,
        threads=1,
    )
    return result.frame()


def run_distributed(root: Path, buckets: int, workers: int) -> pd.DataFrame:
    import dask
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster):
            parts = [dask.delayed(reconcile_partition)(str(root), b) for b in range(buckets)]
            frames = dask.compute(*parts)
    return pd.concat([f for f in frames if not f.empty], ignore_index=True)


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["municipality", "quarter"]).reset_index(drop=True)


def arguments(doc: str) -> argparse.Namespace:
    """The recipes' command line (this one's and `spark_national.py`'s)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=300)
    parser.add_argument("--buckets", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="compare with one single-process call")
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__)
    cards, orders = generate(args.municipalities)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_parquet(cards, orders, root, args.buckets)
        distributed = canonical(run_distributed(root, args.buckets, args.workers))
    print(f"{distributed['municipality'].nunique()} municipalities, {len(distributed)} quarter rows, "
          f"{args.workers} worker processes, {args.buckets} Parquet partitions")
    if args.check:
        single = c.reconcile_groups(
            {"municipality": cards["municipality"].to_numpy(), "signed_at": cards["signed_at"].to_numpy()},
            {
                "municipality": orders["municipality"].to_numpy(),
                "number": orders["number"].to_numpy(),
                "date": orders["date"].to_numpy(dtype="datetime64[D]"),
                "amount_cents": orders["amount_cents"].to_numpy(),
            },
            now=NOW,
        )
        expected = canonical(single.frame())
        pd.testing.assert_frame_equal(distributed, expected, check_dtype=False)
        print("equal to the single-process call")


if __name__ == "__main__":
    main()
