// Bad input for every export: a coded CieError, never a trap; the module keeps working.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as c from "../js/node.mjs";

const hostile = [undefined, null, NaN, 12.5, 3n, {}, [], () => 1, Symbol("x"), "\u0000".repeat(10), "é".repeat(100000)];

test("money as a JS number is refused with FLOAT_NOT_ALLOWED", () => {
  assert.throws(() => c.cardsForAmount(33.58), (e) => e instanceof c.CieError && e.code === "FLOAT_NOT_ALLOWED");
  assert.throws(() => c.formatAmount(16), (e) => e.code === "FLOAT_NOT_ALLOWED");
  assert.equal(c.cardsForAmount("33,58"), 2);
  assert.equal(c.cardsForAmount("33.58"), 2);
});

test("a non-multiple carries the top-up", () => {
  assert.throws(() => c.cardsForAmount("33,59"), (e) => {
    assert.equal(e.code, "AMOUNT_NOT_MULTIPLE");
    assert.equal(e.topUp, "16.78");
    assert.equal(e.cardsBelow, 2);
    assert.match(e.messageIt, /16,78/);
    assert.ok(e.stack);
    return true;
  });
});

test("every export answers hostile input with a coded error or false", () => {
  const fns = [c.parseAmount, c.parseAmountMachine, c.formatAmount, c.cardsForAmount, c.quarterOf, c.quarterInfo,
    c.parseDate, c.fortnightOf, c.pre2020Mailbox, c.validateFiscalCode, c.validateVatNumber, c.validateIban,
    c.validateCap, c.validateEmail, c.validatePhone, c.checkPassword, c.priceOn];
  for (const fn of fns) {
    for (const bad of hostile) {
      try {
        fn(bad);
      } catch (e) {
        assert.ok(e instanceof c.CieError || e instanceof TypeError, `${fn.name}(${String(bad).slice(0, 20)}) threw ${e}`);
        if (e instanceof c.CieError) assert.match(e.code, /^[A-Z_]+$/);
      }
    }
  }
  for (const bad of hostile) assert.equal(c.isValidIban(bad), false);
  assert.equal(c.validateIban("IT81J0100003245348010374600"), "IT81J0100003245348010374600");
});

test("password generator and checklist", () => {
  const pw = c.generatePassword();
  assert.equal(pw.length, 16);
  assert.deepEqual(c.checkPassword(pw), []);
  assert.equal(c.passwordRules()[0].messageIt, "La password deve contenere un minimo di 10 caratteri");
  assert.throws(() => c.generatePassword(3), (e) => e.code === "PASSWORD_TOO_SHORT");
});

test("allocation and reconciliation in the browser build", () => {
  const r = c.allocateAndReconcile(
    ["2024-03-16T10:00:00", "2024-03-31T23:30:00"],
    [{ number: "7", date: "2024-04-10", amount: "33,58", periodFrom: "2024-03-16", periodTo: "2024-03-31" }],
    { "2024-Q1": 2 },
    "2020-Q1..2023-Q4",
    "2024-04-02T10:00:00",
  );
  assert.equal(r.allocation.orders[0].portions[0].quarter, "2024-Q1");
  assert.equal(r.reconciliation.nextToTransmit, "2024-Q1");
  assert.throws(() => c.allocateAndReconcile(["x"], [], undefined, undefined, "2024-01-01"), (e) => e.code === "MOMENT_FORMAT");
});

test("allocation of epoch seconds from a BigInt64Array (the circular's example)", () => {
  const march = [1710921600n, 1710925200n, 1710928800n];
  const april = [1712131200n, 1712134800n, 1712138400n];
  const r = c.allocateEpochs(BigInt64Array.from([...april, ...march]), [
    { number: "8", date: "2024-04-20", amount: "67,16" },
    { number: "7", date: "2024-04-10", amount: "33,58" },
  ]);
  assert.deepEqual(Object.keys(r.quarters), ["2024-Q1", "2024-Q2"]);
  assert.equal(r.quarters["2024-Q1"].cardsPaid, 3);
  assert.equal(r.quarters["2024-Q1"].amount, "50.37");
  assert.equal(r.quarters["2024-Q2"].cardsPaid, 3);
  assert.equal(r.credit, "0.00");
  assert.equal(r.cards, 6);
  assert.throws(() => c.allocateEpochs([1n, 2n], []), (e) => e.code === "INPUT_FORMAT");
  assert.throws(() => c.allocateEpochs(new BigInt64Array(0), [{ number: "1", date: "2024-04-10", amount: 16.79 }]), (e) => e.code === "FLOAT_NOT_ALLOWED");
});

test("allocation with the orders as columns equals the per-object form", () => {
  const march = [1710921600n, 1710925200n, 1710928800n];
  const april = [1712131200n, 1712134800n, 1712138400n];
  const cards = BigInt64Array.from([...april, ...march]);
  const day = (iso) => Date.parse(iso + "T00:00:00Z") / 86400000;
  const none = -2147483648;
  const columns = {
    number: ["8", "7"],
    date: Int32Array.from([day("2024-04-20"), day("2024-04-10")]),
    amountCents: BigInt64Array.from([6716n, 3358n]),
    periodFrom: Int32Array.from([none, day("2024-03-16")]),
    periodTo: Int32Array.from([none, day("2024-03-31")]),
  };
  const byColumns = c.allocateColumns(cards, columns);
  const byObjects = c.allocateEpochs(cards, [
    { number: "8", date: "2024-04-20", amount: "67.16" },
    { number: "7", date: "2024-04-10", amount: "33.58", periodFrom: "2024-03-16", periodTo: "2024-03-31" },
  ]);
  assert.deepEqual(byColumns, byObjects);
  assert.equal(byColumns.quarters["2024-Q1"].cardsPaid, 3);
  // Without periods, and with a number padded by a newline (trimmed, as for one order).
  const plain = { number: ["8\n", "7"], date: columns.date, amountCents: columns.amountCents };
  assert.equal(c.allocateColumns(cards, plain).cards, 6);
  const refused = (changes, code) =>
    assert.throws(() => c.allocateColumns(cards, { ...columns, ...changes }), (e) => e instanceof c.CieError && e.code === code);
  refused({ amountCents: Float64Array.from([67.16, 33.58]) }, "FLOAT_NOT_ALLOWED");
  refused({ amountCents: [6716, 3358] }, "INPUT_FORMAT");
  refused({ number: ["1\n2", "7"] }, "ORDER_NUMBER_INVALID");
  refused({ number: [8, "7"] }, "ORDER_NUMBER_INVALID");
  refused({ number: ["", "7"] }, "ORDER_NUMBER_INVALID");
  refused({ number: ["8"] }, "INPUT_FORMAT");
  refused({ date: Int32Array.from([none, day("2024-04-10")]) }, "DATE_FORMAT");
  refused({ date: Int32Array.from([2 ** 31 - 1, 0]) }, "DATE_INVALID");
  refused({ periodTo: Int32Array.from([day("2024-03-31"), day("2024-03-31")]) }, "PERIOD_INCOMPLETE");
  refused({ amountCents: BigInt64Array.from([0n, 3358n]) }, "AMOUNT_ZERO");
  refused({ date: undefined }, "INPUT_FORMAT");
  assert.throws(() => c.allocateColumns(cards, null), (e) => e.code === "INPUT_FORMAT");
  assert.throws(() => c.allocateColumns([1n], columns), (e) => e.code === "INPUT_FORMAT");
  // Still working after every refusal.
  assert.deepEqual(c.allocateColumns(cards, columns), byObjects);
});

test("buttons a profile may use, and a site's completeness", () => {
  assert.deepEqual(c.allowedActions("closing", "manager"), ["unlock_quarter", "transmit"]);
  assert.deepEqual(c.allowedActions("closing", "operator"), []);
  assert.deepEqual(c.allowedActions(null, "operator"), ["create_quarter"]);
  assert.deepEqual(c.allowedActions("transmitted", "support"), ["reopen"]);
  assert.throws(() => c.allowedActions("closing", "admin"), (e) => e.code === "INPUT_FORMAT");
  const site = {
    id: 1,
    data: { name: "Anagrafe", address: "Via Roma", street_number: "1", cap: "00100", tax_code: null, iban: null, workstations: 1, operators: 1, payment_type: "pagoPA", connection_type: "http" },
    contacts: ["RSSMRA80A01H501U"], security_officers: [], installation_contact: null, issuance_manager: null, transmitted: false,
  };
  assert.deepEqual(c.siteStatus(site), {
    status: "incomplete", labelIt: "INCOMPLETA", labelEn: "INCOMPLETE",
    missing: ["security_officer", "installation_contact", "issuance_manager", "summary"],
    missingIt: ["Security Officer", "Referente per le installazioni", "Responsabile del servizio di emissione CIE", "Riepilogo"],
    missingEn: ["Security Officer", "Installation contact", "CIE issuance manager", "Summary"],
  });
  assert.throws(() => c.siteStatus({}), (e) => e.code === "SITE_FIELD_REQUIRED");
});

test("every export, every argument position, hostile values: coded errors only, never a trap", () => {
  const exports = Object.entries(c).filter(([name, v]) => typeof v === "function" && name !== "CieError");
  assert.ok(exports.length >= 30, `only ${exports.length} exports`);
  const values = [undefined, null, NaN, 1.5, -1, 2 ** 60, {}, [], ["x"], "", "x".repeat(200000), "\uFFFF", true];
  for (const [name, fn] of exports) {
    for (let position = 0; position < 5; position++) {
      for (const bad of values) {
        const args = ["2024-03-31", "manager", "2024-Q1", "support", "2024-04-02"];
        args[position] = bad;
        try {
          fn(...args);
        } catch (e) {
          const coded = e instanceof c.CieError && /^[A-Z_]+$/.test(e.code);
          // wasm-bindgen's own argument conversion (a number where a u32 is declared) throws TypeError.
          assert.ok(coded || e instanceof TypeError, `${name} arg ${position} = ${String(bad).slice(0, 20)}: ${e && e.constructor && e.constructor.name}: ${e}`);
        }
      }
    }
  }
  assert.equal(c.cardsForAmount("16,79"), 1, "the module keeps working");
});

test("the order form checks the causale when one is given (§1.6)", () => {
  const causale = "Comune di Castelprova corrispettivo per il rilascio di n. 3 carte d'identità elettroniche (01/03/2024-15/03/2024)";
  const check = c.checkOrderForm("12", "15/03/2024", "33,58", "01/03/2024", "15/03/2024", "2024-06-01", causale, "Altroborgo");
  const codes = check.findings.map((f) => [f.code, f.field]);
  assert.deepEqual(codes, [["CAUSALE_COUNT_MISMATCH", "causale"], ["CAUSALE_MUNICIPALITY_MISMATCH", "causale"]]);
  const without = c.checkOrderForm("12", "15/03/2024", "33,58", "01/03/2024", "15/03/2024", "2024-06-01");
  assert.deepEqual(without.findings, []);
});

test("the name check of Aggiungi utente (§7): a warning with both sides, never a refusal", () => {
  const ok = c.fiscalCodeMatchesName("rssmra80a01h501u", "Rossi", "Mario");
  assert.deepEqual({ ...ok }, { code: "RSSMRA80A01H501U", foundSurname: "RSS", foundName: "MRA", expectedSurname: "RSS", expectedName: "MRA", matches: true, warning: null });
  const typo = c.fiscalCodeMatchesName("RSSMRA80A01H501U", "Bianchi", "Luigi");
  assert.equal(typo.matches, false);
  assert.equal(typo.warning.code, "FISCAL_CODE_NAME_MISMATCH");
  assert.match(typo.warning.messageIt, /il cognome dà BNC, il codice ha RSS; il nome dà LGU, il codice ha MRA/);
  assert.equal(typo.warning.fields.expected_surname, "BNC");
  assert.equal("cieError" in typo.warning, false);
  assert.throws(() => c.fiscalCodeMatchesName("RSSMRA80A01H501X", "Rossi", "Mario"), (e) => e.code === "FISCAL_CODE_CHECKSUM");
});

test("the causale parser, in the browser build too (§1.6)", () => {
  const p = c.parseCausale("Comune di Castelprova corrispettivo per il rilascio di n. 3 carte d'identità elettroniche (01/03/2024-15/03/2024)");
  assert.deepEqual({ ...p }, { municipality: "Castelprova", cards: 3, period: ["2024-03-01", "2024-03-15"] });
  assert.deepEqual({ ...c.parseCausale("Fornitura cancelleria") }, { municipality: null, cards: null, period: null });
});

test("results in camelCase; data keys (quarters, ISTAT codes, order ids) unchanged", async () => {
  const { camelize } = await import("../js/errors.js");
  assert.deepEqual(camelize({ top_up: "1", quarters: { "2024-Q1": { cards_paid: 1 } }, "058091": { next_to_transmit: null }, "2024/12_a": 1, fields: { top_up: "x" } }),
    { topUp: "1", quarters: { "2024-Q1": { cardsPaid: 1 } }, "058091": { nextToTransmit: null }, "2024/12_a": 1, fields: { top_up: "x" } });
});

test("the order form's today may be a moment: its date in Rome", () => {
  // 22:30 UTC on 31 March 2024 is already 1 April in Rome (CEST).
  const check = c.checkOrderForm("1", "01/04/2024", "16,79", "", "", "2024-03-31T22:30:00Z");
  assert.equal(check.findings.filter((f) => f.code === "ORDER_DATE_FUTURE").length, 0);
  const earlier = c.checkOrderForm("1", "01/04/2024", "16,79", "", "", "2024-03-31T21:30:00Z");
  assert.equal(earlier.findings.filter((f) => f.code === "ORDER_DATE_FUTURE").length, 1);
  assert.throws(() => c.checkOrderForm("1", "01/04/2024", "16,79", "", "", "not a day"), (e) => e.code === "DATE_FORMAT");
});
