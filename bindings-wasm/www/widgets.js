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

// 2. Inserimento mandato: the core's order check on the texts as typed (strict portal amounts
// and dates), every finding shown at its field; cards, top-up, the quarter(s), lateness.
const romeToday = () => new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Rome" }).format(new Date());
function orderChanged() {
  const v = (id) => $(id).value;
  const check = cie.checkOrderForm(v("ord-number"), v("ord-date"), v("ord-amount"), v("ord-from"), v("ord-to"), window.__cieToday || romeToday());
  // Only fields the user has filled are judged, so an empty form is not all red.
  const filled = { number: v("ord-number"), date: v("ord-date"), amount: v("ord-amount"), period: v("ord-from") || v("ord-to") };
  const says = (field) => check.findings.filter((f) => f.field === field && f.severity === "error" && f.code !== "AMOUNT_NOT_MULTIPLE" && filled[field]).map((f) => f.message_it).join(". ");
  $("ord-number-msg").textContent = says("number");
  $("ord-date-msg").textContent = says("date");
  $("ord-amount-msg").textContent = says("amount");
  $("ord-period-msg").textContent = says("period");
  const notMultiple = check.findings.find((f) => f.code === "AMOUNT_NOT_MULTIPLE");
  $("ord-cards").className = notMultiple ? "error" : check.cards !== null ? "ok" : "";
  $("ord-cards").textContent = notMultiple ? notMultiple.message_it : check.cards !== null ? `${check.cards} ${check.cards === 1 ? "carta" : "carte"}` : "";
  const late = check.findings.find((f) => f.severity === "warning");
  $("ord-late").textContent = late ? late.message_it : "";
  let text = "";
  if (check.quarters.length === 1) text = `Trimestre di imputazione: ${cie.quarterInfo(check.quarters[0]).labelIt}`;
  else if (check.quarters.length > 1) text = `Mandato da ripartire (quota parte) tra ${check.quarters.map((q) => cie.quarterInfo(q).labelIt).join(" e ")}`;
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
