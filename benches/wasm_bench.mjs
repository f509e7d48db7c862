// Single validation calls from JS through the WASM package (node): median of 1 M calls,
// measured in batches of 1 000 (the timer's resolution is coarser than one call).
//   node benches/wasm_bench.mjs   (after scripts/test-wasm has built bindings-wasm/pkg)
import * as c from "../bindings-wasm/js/node.mjs";

function medianPerCall(fn, calls = 1_000_000, batch = 1000) {
  const samples = [];
  for (let i = 0; i < calls / batch; i++) {
    const t = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) fn();
    samples.push(Number(process.hrtime.bigint() - t) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const cases = {
  "isValidFiscalCode": () => c.isValidFiscalCode("RSSMRA80A01H501U"),
  "isValidIban": () => c.isValidIban("IT81J0100003245348010374600"),
  "validateFiscalCode": () => c.validateFiscalCode("RSSMRA80A01H501U"),
  "checkPassword": () => c.checkPassword("Corretta.2024"),
  "cardsForAmount": () => c.cardsForAmount("33,58"),
};
for (const [name, fn] of Object.entries(cases)) {
  console.log(`${name.padEnd(20)} ${medianPerCall(fn).toFixed(0).padStart(6)} ns median per call (1 M calls)`);
}
