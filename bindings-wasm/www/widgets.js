// The three widgets. Every rule comes from the library; this file only wires inputs to it.
import * as cie from "../js/web.js";

const $ = (id) => document.getElementById(id);
// Instantiate + first validation, measured from the fetched bytes (what the budget is about:
// network time depends on the server, not on the library).
const bytes = await (await fetch(new URL("../pkg/web/cie_pagamenti_wasm_bg.wasm", import.meta.url))).arrayBuffer();
const t0 = performance.now();
await cie.init({ module_or_path: bytes });
cie.isValidFiscalCode("RSSMRA80A01H501U");
window.__cieInitMs = performance.now() - t0;

function message(fn) {
  try {
    return { value: fn(), error: null };
  } catch (e) {
    if (e instanceof cie.CieError) return { value: null, error: e };
    throw e;
  }
}

// 1. Cambia password: the checklist of the portal's five rules, live.
const rules = cie.passwordRules().slice(0, 5);
$("pw-checklist").innerHTML = rules.map((r) => `<li data-code="${r.code}" class="unmet">${r.messageIt.replace(/^La password deve contenere /, "")}</li>`).join("");
function passwordChanged() {
  const unmet = cie.checkPasswordChange($("pw-current").value, $("pw-new").value, $("pw-confirm").value);
  for (const li of $("pw-checklist").children) li.className = unmet.includes(li.dataset.code) ? "unmet" : "met";
  const extra = [];
  const say = (code) => extra.push(cie.errorMessage(code).messageIt);
  if ($("pw-confirm").value && unmet.includes("PASSWORD_CONFIRMATION_MISMATCH")) say("PASSWORD_CONFIRMATION_MISMATCH");
  if ($("pw-new").value && unmet.includes("PASSWORD_UNCHANGED")) say("PASSWORD_UNCHANGED");
  if (unmet.includes("PASSWORD_FORBIDDEN_CHARACTER")) say("PASSWORD_FORBIDDEN_CHARACTER");
  if (unmet.includes("PASSWORD_TOO_LONG")) say("PASSWORD_TOO_LONG");
  $("pw-extra").textContent = extra.join(". ");
  $("pw-submit").disabled = unmet.length > 0 || !$("pw-current").value;
}
for (const id of ["pw-current", "pw-new", "pw-confirm"]) $(id).addEventListener("input", passwordChanged);

// 2. Inserimento mandato: date, amount, cards, top-up, the quarter of the signing dates.
function orderChanged() {
  const date = $("ord-date").value ? message(() => cie.parseDate($("ord-date").value)) : { value: null, error: null };
  $("ord-date-msg").textContent = date.error ? date.error.messageIt : "";
  const amountText = $("ord-amount").value;
  $("ord-amount-msg").textContent = "";
  $("ord-cards").textContent = "";
  $("ord-cards").className = "";
  if (amountText) {
    const cards = message(() => cie.cardsForAmount(amountText));
    if (cards.error && cards.error.code === "AMOUNT_NOT_MULTIPLE") {
      $("ord-cards").className = "error";
      $("ord-cards").textContent = cards.error.messageIt;
    } else if (cards.error) {
      $("ord-amount-msg").textContent = cards.error.messageIt;
    } else {
      $("ord-cards").className = "ok";
      $("ord-cards").textContent = `${cards.value} ${cards.value === 1 ? "carta" : "carte"}`;
    }
  }
  const from = $("ord-from").value && message(() => cie.parseDate($("ord-from").value));
  const to = $("ord-to").value && message(() => cie.parseDate($("ord-to").value));
  let text = "";
  if (from && from.error) text = from.error.messageIt;
  else if (to && to.error) text = to.error.messageIt;
  else if (from && to) {
    const a = cie.quarterInfo(cie.quarterOf(from.value));
    const b = cie.quarterInfo(cie.quarterOf(to.value));
    text = a.canonical === b.canonical
      ? `Trimestre di imputazione: ${a.labelIt}`
      : `Mandato da ripartire (quota parte) tra ${a.labelIt} e ${b.labelIt}`;
  }
  $("ord-quarter").textContent = text;
}
for (const id of ["ord-number", "ord-date", "ord-amount", "ord-from", "ord-to"]) $(id).addEventListener("input", orderChanged);

// 3. Aggiungi utente.
function userChanged() {
  const cf = $("u-cf").value ? message(() => cie.validateFiscalCode($("u-cf").value)) : { value: null, error: null };
  $("u-cf-msg").textContent = cf.error ? cf.error.messageIt : "";
  const email = $("u-email").value ? message(() => cie.validateEmail($("u-email").value)) : { value: null, error: null };
  let emailMsg = email.error ? email.error.messageIt : "";
  if (!emailMsg && $("u-email2").value && !cie.emailsMatch($("u-email").value, $("u-email2").value)) {
    emailMsg = cie.errorMessage("EMAIL_CONFIRMATION_MISMATCH").messageIt;
  }
  $("u-email-msg").textContent = emailMsg;
  const complete = $("u-last").value.trim() && $("u-first").value.trim() && cf.value && email.value && !emailMsg && $("u-email2").value && $("u-profile").value;
  $("u-submit").disabled = !complete;
}
for (const id of ["u-last", "u-first", "u-cf", "u-email", "u-email2", "u-profile"]) $(id).addEventListener("input", userChanged);
$("u-profile").addEventListener("change", userChanged);
document.body.dataset.ready = "yes";
