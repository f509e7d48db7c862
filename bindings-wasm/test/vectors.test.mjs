// The shared vectors tests/vectors/*.json through the npm package (node build).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as c from "../js/node.mjs";
import { camelize } from "../js/errors.js";

const dir = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));
const plain = (o) => JSON.parse(JSON.stringify(o));
const ops = {
  parse_amount: (i) => c.parseAmount(i.text),
  parse_amount_machine: (i) => c.parseAmountMachine(i.text),
  format_amount: (i) => c.formatAmount(i.amount),
  cards_for_amount: (i) => c.cardsForAmount(i.amount, i.on),
  amount_for_cards: (i) => c.amountForCards(i.cards),
  price_on: (i) => plain(c.priceOn(i.day)),
  citizen_fee: (i) => plain(c.citizenFee(i.duplicate, i.fixed_fee, i.secretarial_fee)),
  causale: (i) => c.causale(i.municipality, i.fortnight, i.cards),
  quarter_of: (i) => c.quarterOf(i.moment),
  parse_date: (i) => c.parseDate(i.text),
  quarter: (i) => c.quarterInfo(i.text),
  portal_quarter: (i) => {
    const q = c.quarterInfo(i.text);
    if (q.canonical < "2020-Q1") throw new c.CieError({ code: "QUARTER_OUT_OF_RANGE", messageIt: "", messageEn: "", fields: {} });
    return q.canonical;
  },
  fortnight: (i) => c.fortnightOf(i.day),
  pre2020_mailbox: (i) => c.pre2020Mailbox(i.name),
  validate_fiscal_code: (i) => c.validateFiscalCode(i.value),
  validate_vat_number: (i) => c.validateVatNumber(i.value),
  validate_iban: (i) => c.validateIban(i.value),
  validate_cap: (i) => c.validateCap(i.value),
  validate_email: (i) => c.validateEmail(i.value),
  validate_phone: (i) => c.validatePhone(i.value),
  check_password: (i) => c.checkPassword(i.password),
  check_password_change: (i) => c.checkPasswordChange(i.current, i.new, i.confirmation),
  password_rule_message: (i) => c.passwordRules().find((r) => r.code === i.code)?.messageIt,
  statement: (i) => c.statement(i),
  workflow_scenario: (i) => c.replaySummary(readFileSync(dir + "logs/" + i.log, "utf8"), i.now),
};
const skipped = new Set(["apr_parse_flag", "apr_format_flag", "apr_connection_type"]);

for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const vectors = JSON.parse(readFileSync(dir + file, "utf8"));
  vectors.forEach((v, i) => {
    test(`${file}[${i}] ${v.op}`, { skip: skipped.has(v.op) && "APR constants are registry-side, not for forms" }, () => {
      const run = ops[v.op];
      assert.ok(run, `no runner for ${v.op}`);
      if (v.error) {
        assert.throws(() => run(v.input), (e) => {
          assert.ok(e instanceof c.CieError && e instanceof Error, `not a CieError: ${e}`);
          assert.equal(e.code, v.error);
          for (const [k, want] of Object.entries(v.fields || {})) assert.equal(e.fields[k], want);
          return true;
        });
      } else {
        // The vectors name fields as the core does (snake_case); JS results are camelCase.
        assert.deepEqual(run(v.input), camelize(v.expect));
      }
    });
  });
}
