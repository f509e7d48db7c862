// Form-associated custom elements for the portal's screens. Every rule comes from the library
// (WebAssembly); this file only renders Bootstrap Italia markup, ties messages to fields and
// reports validity to the surrounding <form> through ElementInternals.
//
// Importing this module defines the elements and starts loading the WebAssembly module (from
// <link rel="preload" data-cie-pagamenti href="…wasm">, else next to the module's own file).
import * as cie from "./web.js";


const TEXT = {
  it: {
    required: "Campo obbligatorio",
    unavailable: "Validazione non disponibile: il browser non ha potuto avviare WebAssembly. Se la pagina ha una Content-Security-Policy, deve consentire 'wasm-unsafe-eval' in script-src.",
    loading: "Caricamento delle regole di validazione…",
    fiscalCode: "Codice fiscale", amount: "Importo (es. 1234,56)", date: "Data (gg/mm/aaaa)",
    dateHint: "Formato gg/mm/aaaa, per esempio 31/03/2024", amountHint: "Euro con la virgola per i decimali, senza separatore delle migliaia",
    current: "Password attuale", next: "Nuova password", confirm: "Conferma nuova password",
    checklist: "La password deve contenere:", met: "Requisito soddisfatto: ", unmet: "Requisito mancante: ",
    summary: (met, all, missing) => `Requisiti soddisfatti: ${met} su ${all}.${missing.length ? " Mancano: " + missing.join("; ") + "." : ""}`,
    changePassword: "Cambia password", order: "Inserimento mandato", user: "Aggiungi utente",
    number: "Numero mandato", orderDate: "Data mandato (gg/mm/aaaa)", period: "Periodo di firma delle carte pagate (facoltativo)",
    from: "Carte firmate dal (gg/mm/aaaa)", to: "al (gg/mm/aaaa)",
    cards: (n) => `${n} ${n === 1 ? "carta" : "carte"}`,
    quarter: (q) => `Trimestre di imputazione: ${q}`, split: (qs) => `Mandato da ripartire (quota parte) tra ${qs.join(" e ")}`,
    surname: "Cognome", name: "Nome", email: "E-mail", email2: "Conferma e-mail", profile: "Profilo",
    choose: "Selezionare…", operator: "Operatore", manager: "Responsabile",
  },
  en: {
    required: "Required field",
    unavailable: "Validation unavailable: the browser could not start WebAssembly. If the page has a Content-Security-Policy, script-src must allow 'wasm-unsafe-eval'.",
    loading: "Loading the validation rules…",
    fiscalCode: "Fiscal code", amount: "Amount (e.g. 1234,56)", date: "Date (dd/mm/yyyy)",
    dateHint: "Format dd/mm/yyyy, e.g. 31/03/2024", amountHint: "Euros with a decimal comma, no thousands separator",
    current: "Current password", next: "New password", confirm: "Confirm new password",
    checklist: "The password must contain:", met: "Requirement met: ", unmet: "Requirement missing: ",
    summary: (met, all, missing) => `Requirements met: ${met} of ${all}.${missing.length ? " Missing: " + missing.join("; ") + "." : ""}`,
    changePassword: "Change password", order: "Payment order entry", user: "Add user",
    number: "Order number", orderDate: "Order date (dd/mm/yyyy)", period: "Signing period of the cards paid (optional)",
    from: "Cards signed from (dd/mm/yyyy)", to: "to (dd/mm/yyyy)",
    cards: (n) => `${n} ${n === 1 ? "card" : "cards"}`,
    quarter: (q) => `Quarter: ${q}`, split: (qs) => `Order to split (quota parte) between ${qs.join(" and ")}`,
    surname: "Surname", name: "First name", email: "E-mail", email2: "Confirm e-mail", profile: "Profile",
    choose: "Choose…", operator: "Operator", manager: "Manager",
  },
};

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
let serial = 0;
let failure = null;
let loaded = false;
let firstValidation = false;

function wasmSource() {
  const link = document.querySelector("link[data-cie-pagamenti][href]");
  return link ? link.href : undefined;
}

/** Resolves when the rules are loaded; rejects (and every component says so) when they cannot be. */
export const ready = cie.init(wasmSource()).then(() => {
  loaded = true;
}, (e) => {
  failure = e;
  console.error("cie-pagamenti: WebAssembly could not start", e);
  throw e;
});
ready.catch(() => {});

/** The shared base: markup, messages tied to fields, validity and value for the form. */
class CieElement extends HTMLElement {
  static formAssociated = true;

  constructor() {
    super();
    this.internals = this.attachInternals();
    this.touched = new Set();
    this.submitted = false;
  }

  get t() {
    const lang = (this.closest("[lang]")?.getAttribute("lang") || "it").toLowerCase();
    return lang.startsWith("en") ? TEXT.en : TEXT.it;
  }

  get isEnglish() {
    return this.t === TEXT.en;
  }

  say(e) {
    return this.isEnglish ? e.messageEn : e.messageIt;
  }

  connectedCallback() {
    if (!this.id_) {
      this.id_ = `cie${++serial}`;
      this.innerHTML = this.markup();
      this.classList.add("cie-component");
      // A field counts as visited once the user commits it (change) or leaves it.
      this.addEventListener("change", (e) => this.visit(e.target));
      this.addEventListener("focusout", (e) => {
        this.visit(e.target);
        queueMicrotask(() => this.floatLabels());
      });
      this.addEventListener("input", () => this.update());
      // Bootstrap Italia floats a label above its field while the field has focus or a value.
      this.addEventListener("focusin", () => this.floatLabels());
      this.addEventListener("invalid", () => {
        this.submitted = true;
        this.update();
      });
    }
    if (loaded || failure) {
      this.update();
    } else {
      // Until the rules are loaded the component is invalid ("loading"): nothing is judged,
      // nothing can be submitted unchecked; the full update waits for the module.
      this.internals.setValidity({ customError: true }, this.t.loading, this.querySelector("[data-key]") || undefined);
      this.dataset.state = "loading";
    }
    ready.then(() => this.update(), () => this.update());
  }

  visit(target) {
    const key = target?.dataset?.key;
    if (key && !this.touched.has(key) && (target.value !== "" || this.submitted)) {
      this.touched.add(key);
      this.update();
    }
  }

  input(key) {
    return this.querySelector(`[data-key="${key}"]`);
  }

  /** Bootstrap Italia's `label.active`: set while the field has focus or a value (always for a
   * select), so the floating label never covers what was typed. */
  floatLabels() {
    for (const el of this.querySelectorAll("[data-key]")) {
      const label = this.querySelector(`label[for="${el.id}"]`);
      label?.classList.toggle("active", el.tagName === "SELECT" || el.value !== "" || el === document.activeElement);
    }
  }

  value_(key) {
    return this.input(key)?.value ?? "";
  }

  /** One labelled control with its hint, warning and error, in Bootstrap Italia markup. */
  field(key, label, { type = "text", hint = "", autocomplete = "", inputmode = "", options = null, feedback = key, describedby = "" } = {}) {
    const id = `${this.id_}-${key}`;
    const described = [`${this.id_}-${feedback}-msg`, `${this.id_}-${key}-warn`, hint && `${id}-hint`, describedby].filter(Boolean).join(" ");
    const attrs = `id="${id}" data-key="${key}" class="form-control" aria-describedby="${described}"${autocomplete ? ` autocomplete="${autocomplete}"` : ""}`;
    const control = options
      ? `<select ${attrs}>${options.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join("")}</select>`
      : `<input ${attrs} type="${type}"${inputmode ? ` inputmode="${inputmode}"` : ""} spellcheck="false">`;
    const own = feedback === key ? `<div id="${id}-msg" class="invalid-feedback"></div>` : "";
    return `<div class="form-group cie-field">
  <label for="${id}">${esc(label)}</label>
  ${control}
  ${hint ? `<small id="${id}-hint" class="form-text">${esc(hint)}</small>` : ""}
  <div id="${id}-warn" class="cie-warning form-text"></div>
  ${own}
</div>`;
  }

  /** Shows the outcome of `evaluate()` and reports it to the form. */
  update() {
    const t = this.t;
    let outcome;
    if (failure) {
      outcome = { errors: {}, warnings: {}, blocking: t.unavailable, value: null };
    } else {
      try {
        outcome = this.evaluate(t);
      } catch (e) {
        // Before the module is ready every call throws: nothing is judged yet.
        if (loaded) throw e;
        outcome = { errors: {}, warnings: {}, blocking: t.loading, value: null, pending: true };
      }
    }
    const shown = (key) => this.submitted || this.touched.has(key);
    // Inputs sharing one message (the period's two dates) form a group.
    const groups = new Map();
    for (const el of this.querySelectorAll("[data-key]")) {
      const key = el.dataset.key;
      const group = el.dataset.group || key;
      const g = groups.get(group) || { error: "", shown: false, els: [] };
      g.error ||= outcome.errors[group] || (this.isRequired(key) && el.value.trim() === "" ? t.required : "");
      g.shown ||= shown(key);
      g.els.push(el);
      groups.set(group, g);
    }
    let anchor = null;
    let message = "";
    for (const [group, g] of groups) {
      const visible = Boolean(g.error) && g.shown;
      for (const el of g.els) {
        el.classList.toggle("is-invalid", visible);
        if (visible) el.setAttribute("aria-invalid", "true");
        else el.removeAttribute("aria-invalid");
        const warn = this.querySelector(`#${this.id_}-${el.dataset.key}-warn`);
        if (warn) warn.textContent = (!visible && outcome.warnings[el.dataset.key]) || "";
      }
      const msg = this.querySelector(`#${this.id_}-${group}-msg`);
      if (msg) msg.textContent = visible ? g.error : "";
      if (g.error && !anchor) {
        anchor = g.els[0];
        message = g.error;
      }
    }
    this.floatLabels();
    const status = this.querySelector(".cie-status");
    if (status) status.textContent = outcome.blocking && !outcome.pending ? outcome.blocking : "";
    if (anchor) this.internals.setValidity({ customError: true }, message, anchor);
    else if (outcome.blocking) this.internals.setValidity({ customError: true }, outcome.blocking, this.querySelector("[data-key]") || undefined);
    else this.internals.setValidity({});
    this.internals.setFormValue(outcome.value ?? null);
    this.dataset.state = failure ? "unavailable" : outcome.pending ? "loading" : anchor ? "invalid" : "valid";
    if (loaded && !firstValidation) {
      // What the loading budget is measured on: navigation → the first rule applied.
      firstValidation = true;
      performance.mark("cie-first-validation");
    }
    this.afterUpdate?.(outcome, t);
  }

  isRequired(key) {
    return this.hasAttribute("required") || (this.requiredKeys || []).includes(key);
  }

  formResetCallback() {
    for (const el of this.querySelectorAll("[data-key]")) el.value = el.tagName === "SELECT" ? el.options[0]?.value ?? "" : "";
    this.touched.clear();
    this.submitted = false;
    this.update();
  }

  formDisabledCallback(disabled) {
    for (const el of this.querySelectorAll("[data-key]")) el.disabled = disabled;
  }

  // The native constraint-validation API, as on <input>.
  get form() { return this.internals.form; }
  get name() { return this.getAttribute("name"); }
  get validity() { return this.internals.validity; }
  get validationMessage() { return this.internals.validationMessage; }
  get willValidate() { return this.internals.willValidate; }
  checkValidity() { return this.internals.checkValidity(); }
  reportValidity() { return this.internals.reportValidity(); }

  /** The names the component submits (its `name` attribute, else `fallback`). */
  entryName(fallback) {
    return this.getAttribute("name") || fallback;
  }

  statusMarkup() {
    return `<p class="cie-status" role="status"></p>`;
  }
}

/** One input whose value is checked by one core function; the form gets the normalised value. */
class CieSingleField extends CieElement {
  markup() {
    const t = this.t;
    return this.field("value", this.getAttribute("label") || t[this.labelKey], {
      hint: this.getAttribute("hint") ?? (this.hintKey ? t[this.hintKey] : ""),
      autocomplete: this.getAttribute("autocomplete") || "",
      inputmode: this.inputmode || "",
    }) + this.statusMarkup();
  }

  connectedCallback() {
    super.connectedCallback();
    const initial = this.getAttribute("value");
    if (initial !== null && !this.value_("value")) {
      this.input("value").value = initial;
      this.update();
    }
  }

  get value() { return this.value_("value"); }
  set value(v) { this.input("value").value = v; this.update(); }

  evaluate() {
    const text = this.value_("value");
    if (text.trim() === "") return { errors: {}, warnings: {}, value: null };
    try {
      return { errors: {}, warnings: {}, value: this.normalise(text.trim()) };
    } catch (e) {
      if (e instanceof cie.CieError) return { errors: { value: this.say(e) }, warnings: {}, value: null };
      throw e;
    }
  }
}

class CieCodiceFiscale extends CieSingleField {
  get labelKey() { return "fiscalCode"; }
  normalise(text) { return cie.validateFiscalCode(text); }
  markup() {
    return super.markup().replace('spellcheck="false"', 'spellcheck="false" autocapitalize="characters" maxlength="40"');
  }
}

class CieImporto extends CieSingleField {
  get labelKey() { return "amount"; }
  get hintKey() { return "amountHint"; }
  get inputmode() { return "decimal"; }
  // The portal's strict text (SPEC §1.2): "1234,56"; "1.000" and "16.79" are refused. The
  // amount findings of the core's order check (format, zero) decide, not a multiple of the price.
  normalise(text) {
    const check = cie.checkOrderForm("1", "01/01/2024", text, "", "", "2024-01-01");
    const error = check.findings.find((f) => f.field === "amount" && f.code !== "AMOUNT_NOT_MULTIPLE");
    if (error) throw new cie.CieError(error);
    return check.order.amount;
  }
}

class CieData extends CieSingleField {
  get labelKey() { return "date"; }
  get hintKey() { return "dateHint"; }
  normalise(text) { return cie.parseDate(text); }
}

/** Cambia password: current, new, confirmation, the live checklist of the portal's rules. */
class CieCambiaPassword extends CieElement {
  get requiredKeys() { return ["current", "next", "confirm"]; }

  markup() {
    const t = this.t;
    return `<fieldset class="cie-group"><legend>${esc(this.getAttribute("legend") || t.changePassword)}</legend>
${this.field("current", t.current, { type: "password", autocomplete: "current-password" })}
${this.field("next", t.next, { type: "password", autocomplete: "new-password", describedby: `${this.id_}-rules` })}
<ul class="cie-checklist" id="${this.id_}-rules" aria-label="${esc(t.checklist)}"></ul>
<p class="cie-live visually-hidden" aria-live="polite" id="${this.id_}-live"></p>
${this.field("confirm", t.confirm, { type: "password", autocomplete: "new-password" })}
${this.statusMarkup()}</fieldset>`;
  }

  evaluate(t) {
    const rules = cie.passwordRules().slice(0, 5);
    const current = this.value_("current");
    const next = this.value_("next");
    const confirm = this.value_("confirm");
    const unmet = cie.checkPasswordChange(current, next, confirm);
    const message = (code) => this.say(cie.errorMessage(code));
    const errors = {};
    const own = (code) => unmet.includes(code);
    if (next && (own("PASSWORD_FORBIDDEN_CHARACTER") || own("PASSWORD_TOO_LONG") || own("PASSWORD_UNCHANGED"))) {
      errors.next = ["PASSWORD_FORBIDDEN_CHARACTER", "PASSWORD_TOO_LONG", "PASSWORD_UNCHANGED"].filter(own).map(message).join(". ");
    } else if (next && rules.some((r) => own(r.code))) {
      errors.next = rules.filter((r) => own(r.code)).map((r) => this.say(r)).join(". ");
    }
    if (confirm && own("PASSWORD_CONFIRMATION_MISMATCH")) errors.confirm = message("PASSWORD_CONFIRMATION_MISMATCH");
    const value = new FormData();
    value.append(this.entryName("password_attuale"), current);
    value.append("nuova_password", next);
    value.append("conferma_password", confirm);
    return { errors, warnings: {}, value, rules, unmet, next };
  }

  afterUpdate(outcome, t) {
    if (!outcome.rules) return;
    const list = this.querySelector(".cie-checklist");
    const strip = (s) => s.replace(/^La password deve contenere /, "").replace(/^The password must contain /, "");
    const items = outcome.rules.map((r) => ({ code: r.code, text: strip(this.say(r)), met: !outcome.unmet.includes(r.code) }));
    const html = items.map((i) => `<li data-code="${i.code}" class="${i.met ? "cie-met" : "cie-unmet"}"><span class="cie-mark" aria-hidden="true">${i.met ? "✓" : "✗"}</span> <span class="visually-hidden">${i.met ? t.met : t.unmet}</span>${esc(i.text)}</li>`).join("");
    if (list.innerHTML !== html) list.innerHTML = html;
    // The summary is read by screen readers a moment after typing stops, not at every key.
    const summary = t.summary(items.filter((i) => i.met).length, items.length, items.filter((i) => !i.met).map((i) => i.text));
    clearTimeout(this.liveTimer);
    const live = this.querySelector(".cie-live");
    if (!outcome.next) live.textContent = "";
    else this.liveTimer = setTimeout(() => { live.textContent = summary; }, 400);
  }
}


/** Inserimento mandato: every finding of the core's order check at its field. */
class CieInserimentoMandato extends CieElement {
  get requiredKeys() { return ["number", "date", "amount"]; }

  markup() {
    const t = this.t;
    const id = this.id_;
    return `<fieldset class="cie-group"><legend>${esc(this.getAttribute("legend") || t.order)}</legend>
${this.field("number", t.number, { autocomplete: "off" })}
${this.field("date", t.orderDate, { hint: t.dateHint })}
${this.field("amount", t.amount, { inputmode: "decimal", hint: t.amountHint })}
<p class="cie-info" id="${id}-cards" aria-live="polite"></p>
<fieldset class="cie-period"><legend>${esc(t.period)}</legend>
${this.field("from", t.from, { feedback: "period" }).replace('data-key="from"', 'data-key="from" data-group="period"')}
${this.field("to", t.to, { feedback: "period" }).replace('data-key="to"', 'data-key="to" data-group="period"')}
<div id="${id}-period-msg" class="invalid-feedback d-block"></div>
</fieldset>
<p class="cie-info" id="${id}-quarter" aria-live="polite"></p>
${this.statusMarkup()}</fieldset>`;
  }

  evaluate() {
    const v = (k) => this.value_(k);
    // Without a `today` attribute, the browser's clock; the core takes its date in Rome.
    const today = this.getAttribute("today") || new Date().toISOString();
    const check = cie.checkOrderForm(v("number"), v("date"), v("amount"), v("from"), v("to"), today);
    const errors = {};
    const warnings = {};
    for (const f of check.findings) {
      const bucket = f.severity === "error" ? errors : warnings;
      const text = this.isEnglish ? f.messageEn : f.messageIt;
      bucket[f.field] = bucket[f.field] ? `${bucket[f.field]}. ${text}` : text;
    }
    const value = new FormData();
    const o = check.order;
    value.append(this.entryName("numero"), o ? o.number : v("number").trim());
    value.append("data", o ? o.date : v("date"));
    value.append("importo", o ? o.amount : v("amount"));
    value.append("dal", o?.period ? o.period[0] : v("from"));
    value.append("al", o?.period ? o.period[1] : v("to"));
    return { errors, warnings, value, check };
  }

  afterUpdate(outcome, t) {
    const cards = this.querySelector(`#${this.id_}-cards`);
    const quarter = this.querySelector(`#${this.id_}-quarter`);
    const check = outcome.check;
    if (!check) {
      cards.textContent = quarter.textContent = "";
      return;
    }
    cards.textContent = check.cards !== null && !outcome.errors.amount ? t.cards(check.cards) : "";
    const label = (q) => cie.quarterInfo(q).labelIt;
    quarter.textContent = outcome.errors.period ? "" : check.quarters.length === 1 ? t.quarter(label(check.quarters[0])) : check.quarters.length > 1 ? t.split(check.quarters.map(label)) : "";
  }
}

/** Aggiungi utente: names, fiscal code (with the name check as a warning), e-mail twice, profile. */
class CieAggiungiUtente extends CieElement {
  get requiredKeys() { return ["surname", "name", "code", "email", "email2", "profile"]; }

  markup() {
    const t = this.t;
    return `<fieldset class="cie-group"><legend>${esc(this.getAttribute("legend") || t.user)}</legend>
${this.field("surname", t.surname, { autocomplete: "family-name" })}
${this.field("name", t.name, { autocomplete: "given-name" })}
${this.field("code", t.fiscalCode).replace('spellcheck="false"', 'spellcheck="false" autocapitalize="characters"')}
${this.field("email", t.email, { type: "email", autocomplete: "email" })}
${this.field("email2", t.email2, { type: "email", autocomplete: "off" })}
${this.field("profile", t.profile, { options: [["", t.choose], ["operator", t.operator], ["manager", t.manager]] })}
${this.statusMarkup()}</fieldset>`;
  }

  evaluate() {
    const v = (k) => this.value_(k).trim();
    const errors = {};
    const warnings = {};
    const attempt = (key, fn) => {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof cie.CieError)) throw e;
        errors[key] = this.say(e);
        return null;
      }
    };
    const code = v("code") ? attempt("code", () => cie.fiscalCodeMatchesName(v("code"), v("surname"), v("name"))) : null;
    if (code?.warning) warnings.code = this.say(code.warning);
    const email = v("email") ? attempt("email", () => cie.validateEmail(v("email"))) : null;
    if (email && v("email2") && !cie.emailsMatch(v("email"), v("email2"))) errors.email2 = this.say(cie.errorMessage("EMAIL_CONFIRMATION_MISMATCH"));
    const value = new FormData();
    value.append("cognome", v("surname"));
    value.append("nome", v("name"));
    value.append(this.entryName("codice_fiscale"), code ? code.code : v("code"));
    value.append("email", email || v("email"));
    value.append("profilo", v("profile"));
    return { errors, warnings, value };
  }
}

const ELEMENTS = {
  "cie-codice-fiscale": CieCodiceFiscale,
  "cie-importo": CieImporto,
  "cie-data": CieData,
  "cie-cambia-password": CieCambiaPassword,
  "cie-inserimento-mandato": CieInserimentoMandato,
  "cie-aggiungi-utente": CieAggiungiUtente,
};
for (const [name, cls] of Object.entries(ELEMENTS)) {
  if (!customElements.get(name)) customElements.define(name, cls);
}
export { CieCodiceFiscale, CieImporto, CieData, CieCambiaPassword, CieInserimentoMandato, CieAggiungiUtente, cie };
