#!/usr/bin/env bash
# Cross-binding benchmark: 1 M fiscal-code validations through Rust, C, Python and WASM (node),
# one table of per-call times and ratios to Rust. Needs scripts/test-ffi, scripts/test-python
# and scripts/test-wasm to have built their artefacts.
set -euo pipefail
cd "$(dirname "$0")/../.."
libs=$(cargo rustc --locked --release -p cie-pagamenti-ffi --lib --crate-type staticlib -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -1)
gcc -O2 -Ibindings-ffi/include benches/cross/fiscal_code.c target/release/libcie_pagamenti_ffi.a $libs -o target/ffi/bench-fiscal-code
rust=$(cargo bench -q -p cie-pagamenti-benches --bench foundations -- --warm-up-time 1 --measurement-time 3 '^is_valid_fiscal_code$' 2>/dev/null | sed -n 's/.*time: *\[[^ ]* [^ ]* \([0-9.]*\) ns.*/\1/p' | head -1)
c=$(target/ffi/bench-fiscal-code | awk '{print $2}')
py=$(target/python/venv/bin/python -c '
import time, cie_pagamenti as c
codes = ["RSSMRA80A01H501U", "RSSMRAQRCMNFNLRG", "BNCLRA85M41H501F"] * 333334
t = time.perf_counter()
for x in codes: c.is_valid_fiscal_code(x)
print(round((time.perf_counter() - t) / len(codes) * 1e9))')
js=$(node -e '
import("./bindings-wasm/js/node.mjs").then((c) => {
  const codes = ["RSSMRA80A01H501U", "RSSMRAQRCMNFNLRG", "BNCLRA85M41H501F"];
  const t = process.hrtime.bigint();
  for (let i = 0; i < 1e6; i++) c.isValidFiscalCode(codes[i % 3]);
  console.log(Math.round(Number(process.hrtime.bigint() - t) / 1e6));
});')
printf "%-8s %10s %8s\n" binding "ns/call" "x Rust"
for row in "Rust $rust" "C $c" "Python $py" "WASM $js"; do
  set -- $row
  printf "%-8s %10s %8.1f\n" "$1" "$2" "$(echo "$2 / $rust" | bc -l)"
done
