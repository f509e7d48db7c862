#!/usr/bin/env bash
# Cross-binding benchmark: the same two workloads through Rust, C, Python and WASM (node), one
# table of medians and ratios to Rust:
#   1. 1 M fiscal-code validations (ns per call);
#   2. the national-year allocation, 10 M cards + 833 k orders read from the same files
#      (`cross data`), timed from the call to the per-quarter table (ms, median of 5; 3 for Python).
# Needs scripts/test-ffi, scripts/test-python and scripts/test-wasm to have built their artefacts.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=target/cross
cargo build -q --locked --release -p cie-pagamenti-benches --bin cross
[ -f "$data/orders.csv" ] || target/release/cross data "$data"
libs=$(cargo rustc --locked --release -p cie-pagamenti-ffi --lib --crate-type staticlib -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -1)
mkdir -p target/ffi
gcc -O2 -Ibindings-ffi/include benches/cross/fiscal_code.c target/release/libcie_pagamenti_ffi.a $libs -o target/ffi/bench-fiscal-code
gcc -O2 -Ibindings-ffi/include benches/cross/allocate.c target/release/libcie_pagamenti_ffi.a $libs -o target/ffi/bench-allocate

rust_fc=$(cargo bench -q -p cie-pagamenti-benches --bench foundations -- --warm-up-time 1 --measurement-time 3 '^is_valid_fiscal_code$' 2>/dev/null | sed -n 's/.*time: *\[[^ ]* [^ ]* \([0-9.]*\) ns.*/\1/p' | head -1)
c_fc=$(target/ffi/bench-fiscal-code | awk '{print $2}')
py_fc=$(target/python/venv/bin/python -c '
import time, cie_pagamenti as c
codes = ["RSSMRA80A01H501U", "RSSMRAQRCMNFNLRG", "BNCLRA85M41H501F"] * 333334
t = time.perf_counter()
for x in codes: c.is_valid_fiscal_code(x)
print(round((time.perf_counter() - t) / len(codes) * 1e9))')
js_fc=$(node -e '
import("./bindings-wasm/js/node.mjs").then((c) => {
  const codes = ["RSSMRA80A01H501U", "RSSMRAQRCMNFNLRG", "BNCLRA85M41H501F"];
  const t = process.hrtime.bigint();
  for (let i = 0; i < 1e6; i++) c.isValidFiscalCode(codes[i % 3]);
  console.log(Math.round(Number(process.hrtime.bigint() - t) / 1e6));
});')

rust_ny=$(target/release/cross allocate "$data")
rust_table=$(target/release/cross allocate "$data" table)
c_ny=$(target/ffi/bench-allocate "$data")
py_ny=$(target/python/venv/bin/python - "$data" <<'PY'
import sys, time
from datetime import date
from decimal import Decimal
import numpy as np
import cie_pagamenti as c
d = sys.argv[1]
cards = np.fromfile(f"{d}/cards.i64", dtype="<i8")
numbers, days, cents, froms, tos = [], [], [], [], []
for line in open(f"{d}/orders.csv"):
    n, day, cent, a, b = line.rstrip("\n").split(";")
    numbers.append(n); days.append(day); cents.append(int(cent)); froms.append(a or "NaT"); tos.append(b or "NaT")
# the columnar form a national-scale script uses (one Python object per order is ~1 s more)
orders = {"number": numbers, "date": np.array(days, dtype="datetime64[D]"), "amount_cents": np.array(cents, dtype=np.int64),
          "period_from": np.array(froms, dtype="datetime64[D]"), "period_to": np.array(tos, dtype="datetime64[D]")}
times = []
for _ in range(3):
    t = time.perf_counter()
    q = c.allocate(cards, orders).quarters
    times.append((time.perf_counter() - t) * 1e3)
print(f"{sorted(times)[1]:.1f}")
PY
)
js_ny=$(node --max-old-space-size=4096 -e '
const fs = require("node:fs");
import("./bindings-wasm/js/node.mjs").then((c) => {
  const d = process.argv[1];
  const raw = fs.readFileSync(d + "/cards.i64");
  const cards = new BigInt64Array(raw.length / 8);
  new Uint8Array(cards.buffer).set(raw);
  const lines = fs.readFileSync(d + "/orders.csv", "utf8").trimEnd().split("\n").map((line) => line.split(";"));
  const orders = lines.map(([number, date, cents, periodFrom, periodTo]) => {
    const amount = cents.padStart(3, "0").replace(/(\d\d)$/, ".$1"); // text, never a float
    return periodFrom ? { number, date, amount, periodFrom, periodTo } : { number, date, amount };
  });
  // The columnar form a national-scale script uses: days since 1970-01-01, cents as BigInt.
  const day = (iso) => (iso ? Date.parse(iso + "T00:00:00Z") / 86400000 : -2147483648);
  const columns = {
    number: lines.map((f) => f[0]),
    date: Int32Array.from(lines, (f) => day(f[1])),
    amountCents: BigInt64Array.from(lines, (f) => BigInt(f[2])),
    periodFrom: Int32Array.from(lines, (f) => day(f[3])),
    periodTo: Int32Array.from(lines, (f) => day(f[4])),
  };
  const median = (run, n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      const r = run();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!r.quarters) throw new Error("no result");
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(n / 2)];
  };
  const byColumns = median(() => c.allocateColumns(cards, columns), 5);
  const byObjects = median(() => c.allocateEpochs(cards, orders), 3);
  console.log(byColumns.toFixed(1), byObjects.toFixed(1));
});' "$data")

read -r js_ny js_objects <<<"$js_ny"
printf "%-8s %14s %8s %20s %8s\n" binding "fiscal ns/call" "x Rust" "national year ms" "x Rust"
for row in "Rust $rust_fc $rust_table" "C $c_fc $c_ny" "Python $py_fc $py_ny" "WASM $js_fc $js_ny"; do
  set -- $row
  printf "%-8s %14s %8.1f %20s %8.1f\n" "$1" "$2" "$(echo "$2 / $rust_fc" | bc -l)" "$3" "$(echo "$3 / $rust_table" | bc -l)"
done
echo "(every row: the call to the per-quarter table, orders as columns where the binding has them;"
echo " Rust building the per-order records too, allocate: $rust_ny ms; WASM with one JS object per order, allocateEpochs: $js_objects ms)"
