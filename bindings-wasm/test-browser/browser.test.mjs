// The components in real headless Chromium, used as a municipal employee would: typing,
// leaving fields, pressing Enter, with a screen reader's attributes and at 320 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const shots = fileURLToPath(new URL("../../target/browser/", import.meta.url));
const axeSource = readFileSync(fileURLToPath(new URL("../node_modules/axe-core/axe.min.js", import.meta.url)), "utf8");
let server, browser, page;
const consoleErrors = [];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

async function openDemo(query = "") {
  const p = await browser.newPage();
  p.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  p.on("pageerror", (e) => consoleErrors.push(String(e)));
  await p.goto(`${server.url}/www/index.html${query}`);
  await p.waitForSelector("cie-inserimento-mandato[data-state]:not([data-state=loading])");
  return p;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serve(root);
  browser = await launch();
  page = await openDemo();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const order = "cie-inserimento-mandato";
const field = (component, key) => `${component} [data-key="${key}"]`;
// Types into a field and leaves it (Tab), as a person does: errors show once a field is left.
async function enter(p, selector, text) {
  await p.fill(selector, text);
  await p.focus(selector);
  await p.keyboard.press("Tab");
}
// The message tied to a field by aria-describedby, when the field is marked invalid.
async function errorOf(p, selector) {
  return p.$eval(selector, (el) => {
    if (el.getAttribute("aria-invalid") !== "true") return "";
    return el.getAttribute("aria-describedby").split(" ").map((id) => document.getElementById(id))
      .filter((d) => d && d.classList.contains("invalid-feedback")).map((d) => d.textContent).join("");
  });
}
async function warningOf(p, selector) {
  return p.$eval(selector, (el) => el.getAttribute("aria-describedby").split(" ").map((id) => document.getElementById(id))
    .filter((d) => d && d.classList.contains("cie-warning")).map((d) => d.textContent).join(""));
}
const formValid = (p, id) => p.$eval(`#${id}`, (f) => f.checkValidity());

// Measured on one portal screen (www/inserimento-mandato.html: the component, its module, the
// preloaded .wasm and the stylesheet), as the portal serves one form per page. The figure is
// printed against the 100 ms target; the test fails only past 200 ms, a regression of the kind
// that once gave 316 ms: on a shared two-core VM the same build measures 70 to 110 ms from run
// to run, and a timed test must not fail on that noise (decisions.md).
test("first validation after navigation: reported against 100 ms, fails past 200 ms (median of 10 cold loads)", async () => {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${server.url}/www/inserimento-mandato.html`);
    await p.waitForFunction(() => performance.getEntriesByName("cie-first-validation").length > 0);
    times.push(await p.evaluate(() => performance.getEntriesByName("cie-first-validation")[0].startTime));
    const wasm = await p.evaluate(() => performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".wasm")).map((r) => r.name));
    assert.equal(wasm.length, 1, `the .wasm is fetched once (preload reused): ${wasm}`);
    await context.close();
  }
  times.sort((a, b) => a - b);
  const median = (times[4] + times[5]) / 2;
  console.log(`first validation after navigation: median ${median.toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[9].toFixed(1)}) over 10 cold loads; target 100 ms${median <= 100 ? " met" : " MISSED in this run"}`);
  assert.ok(median <= 200, `median ${median} ms: a regression (target 100 ms)`);
});

test("the order form: money read strictly, every rule of the core order check at its field", async () => {
  const p = page;
  await p.$eval(order, (el) => el.setAttribute("today", "2024-04-20"));
  await enter(p, field(order, "number"), "1818");
  await enter(p, field(order, "date"), "31/02/2024");
  assert.equal(await errorOf(p, field(order, "date")), "La data indicata non esiste nel calendario");
  await enter(p, field(order, "date"), "10/04/2024");
  assert.equal(await errorOf(p, field(order, "date")), "");
  await enter(p, field(order, "amount"), "33,58");
  assert.equal(await p.textContent(`${order} .cie-info`), "2 carte");
  // "1.000" is one thousand euros to an Italian: refused, never read as € 1,00.
  await enter(p, field(order, "amount"), "1.000");
  assert.match(await errorOf(p, field(order, "amount")), /Importo non valido/);
  assert.equal(await p.textContent(`${order} .cie-info`), "");
  await enter(p, field(order, "amount"), "16.79");
  assert.match(await errorOf(p, field(order, "amount")), /Importo non valido/, "the label asks for a comma");
  await enter(p, field(order, "amount"), "0,00");
  assert.equal(await errorOf(p, field(order, "amount")), "L'importo deve essere maggiore di zero");
  await enter(p, field(order, "amount"), "33,59");
  assert.match(await errorOf(p, field(order, "amount")), /integrare con € 16,78 per raggiungere 3 carte/);
  assert.equal(await formValid(p, "form-mandato"), false, "a non-multiple blocks the order");
  await enter(p, field(order, "amount"), "33,58");
  await enter(p, field(order, "date"), "10/04/2030");
  assert.equal(await errorOf(p, field(order, "date")), "La data del mandato non può essere futura");
  await enter(p, field(order, "date"), "10/04/2024");
  await enter(p, field(order, "from"), "20/04/2024");
  await enter(p, field(order, "to"), "10/04/2024");
  assert.equal(await errorOf(p, field(order, "to")), "Il periodo dichiarato termina prima di iniziare");
  assert.equal(await errorOf(p, field(order, "from")), "Il periodo dichiarato termina prima di iniziare", "both dates point at the message");
  assert.equal(await p.textContent(`${order} #${await p.$eval(order, (e) => e.id_)}-quarter`), "", "no quarter for a reversed period");
  await enter(p, field(order, "to"), "");
  assert.match(await errorOf(p, field(order, "from")), /entrambe le date/, "half a period is said, not dropped");
  await enter(p, field(order, "from"), "16/03/2024");
  await enter(p, field(order, "to"), "31/03/2024");
  assert.match(await p.$eval(order, (e) => e.querySelectorAll(".cie-info")[1].textContent), /Trimestre di imputazione: 1° trimestre 2024/);
  assert.match(await warningOf(p, field(order, "date")), /dopo la scadenza della quindicina \(scadenza 29\/03\/2024\)/);
  await enter(p, field(order, "to"), "05/04/2024");
  assert.match(await p.$eval(order, (e) => e.querySelectorAll(".cie-info")[1].textContent), /quota parte\) tra 1° trimestre 2024 e 2° trimestre 2024/);
  await enter(p, field(order, "to"), "31/03/2024");
  await enter(p, field(order, "number"), " ");
  assert.equal(await errorOf(p, field(order, "number")), "Il numero del mandato è obbligatorio");
  assert.equal(await formValid(p, "form-mandato"), false);
  await enter(p, field(order, "number"), "1818");
  assert.equal(await formValid(p, "form-mandato"), true);
  // Enter submits; the form carries the normalised values.
  await p.focus(field(order, "amount"));
  await p.keyboard.press("Enter");
  const sent = JSON.parse(await p.textContent("#inviato"));
  assert.deepEqual(sent, { form: "form-mandato", numero: "1818", data: "2024-04-10", importo: "33.58", dal: "2024-03-16", al: "2024-03-31" });
  assert.doesNotMatch(await p.textContent("main"), /\[object|undefined|NaN/, "no stray text on the page");
  await p.screenshot({ path: shots + "inserimento-mandato.png", fullPage: true });
});

test("submitting an empty form: every error shown, tied to its field, focus on the first", async () => {
  const p = await openDemo();
  await p.click("#form-utente button[type=submit]");
  assert.equal(await p.textContent("#inviato"), "", "an invalid form is not sent");
  assert.equal(await errorOf(p, field("cie-aggiungi-utente", "surname")), "Campo obbligatorio");
  assert.equal(await errorOf(p, field("cie-aggiungi-utente", "profile")), "Campo obbligatorio");
  assert.equal(await p.evaluate(() => document.activeElement.dataset.key), "surname");
  await p.close();
});

test("Aggiungi utente: fiscal code, the name check as a warning, e-mail twice, profile", async () => {
  const p = page;
  const u = "cie-aggiungi-utente";
  await enter(p, field(u, "surname"), "Bianchi");
  await enter(p, field(u, "name"), "Luigi");
  await enter(p, field(u, "code"), "RSSMRA80A01H501X");
  assert.match(await errorOf(p, field(u, "code")), /carattere di controllo .* \(atteso U\)/);
  await enter(p, field(u, "code"), "rssmra80a01h501u");
  assert.equal(await errorOf(p, field(u, "code")), "");
  assert.match(await warningOf(p, field(u, "code")), /Cognome o nome non corrispondono al codice fiscale.*il cognome dà BNC, il codice ha RSS/);
  await enter(p, field(u, "surname"), "Rossi");
  await enter(p, field(u, "name"), "Mario");
  assert.equal(await warningOf(p, field(u, "code")), "");
  await enter(p, field(u, "email"), "mario.rossi@comune.it");
  await enter(p, field(u, "email2"), "mario.rosi@comune.it");
  assert.equal(await errorOf(p, field(u, "email2")), "Le due e-mail inserite non coincidono");
  await enter(p, field(u, "email2"), "Mario.Rossi@comune.it");
  assert.equal(await errorOf(p, field(u, "email2")), "");
  assert.equal(await formValid(p, "form-utente"), false, "no profile yet");
  await p.selectOption(field(u, "profile"), "operator");
  assert.equal(await formValid(p, "form-utente"), true);
  await p.click("#form-utente button[type=submit]");
  assert.deepEqual(JSON.parse(await p.textContent("#inviato")), { form: "form-utente", cognome: "Rossi", nome: "Mario", codice_fiscale: "RSSMRA80A01H501U", email: "mario.rossi@comune.it", profilo: "operator" });
  await p.screenshot({ path: shots + "aggiungi-utente.png", fullPage: true });
});

test("Cambia password: the checklist as text, a polite live summary, errors at their fields", async () => {
  const p = page;
  const c = "cie-cambia-password";
  const items = () => p.$$eval(`${c} .cie-checklist li`, (lis) => lis.map((l) => l.textContent.trim()));
  const live = () => p.$eval(`${c} [aria-live=polite]`, (e) => e.textContent);
  assert.ok((await items()).every((t) => t.includes("Requisito mancante")));
  await enter(p, field(c, "current"), "Vecchia.2023");
  await p.fill(field(c, "next"), "abcdefghij");
  let s = await items();
  assert.equal(s[0], "✓ Requisito soddisfatto: un minimo di 10 caratteri");
  assert.equal(s[1], "✗ Requisito mancante: almeno una lettera maiuscola");
  await p.waitForFunction((sel) => document.querySelector(sel).textContent.startsWith("Requisiti soddisfatti: 2 su 5"), `${c} [aria-live=polite]`);
  assert.match(await live(), /Mancano: almeno una lettera maiuscola; almeno un numero/);
  await enter(p, field(c, "next"), "Abcdefghi1-");
  s = await items();
  assert.ok(s.every((t) => t.startsWith("✓ Requisito soddisfatto")), s.join("\n"));
  await p.waitForFunction((sel) => document.querySelector(sel).textContent === "Requisiti soddisfatti: 5 su 5.", `${c} [aria-live=polite]`);
  await enter(p, field(c, "confirm"), "Abcdefghi1_");
  assert.equal(await errorOf(p, field(c, "confirm")), "La conferma non coincide con la nuova password");
  assert.equal(await formValid(p, "form-password"), false);
  await enter(p, field(c, "confirm"), "Abcdefghi1-");
  assert.equal(await errorOf(p, field(c, "confirm")), "");
  assert.equal(await formValid(p, "form-password"), true);
  await p.screenshot({ path: shots + "cambia-password.png", fullPage: true });
});

test("keyboard only: the single fields filled with Tab and typing, sent with Enter", async () => {
  const p = await openDemo();
  await p.focus("cie-codice-fiscale input");
  await p.keyboard.type("rssmra80a01h501u");
  await p.keyboard.press("Tab");
  assert.equal(await p.evaluate(() => document.activeElement.closest("cie-importo") !== null), true);
  await p.keyboard.type("1.000");
  await p.keyboard.press("Tab");
  assert.match(await errorOf(p, "cie-importo input"), /Importo non valido/);
  await p.keyboard.down("Shift");
  await p.keyboard.press("Tab");
  await p.keyboard.up("Shift");
  await p.keyboard.press("Control+A");
  await p.keyboard.type("1000,00");
  await p.keyboard.press("Tab");
  await p.keyboard.type("31/03/2024");
  await p.keyboard.press("Enter");
  assert.deepEqual(JSON.parse(await p.textContent("#inviato")), { form: "form-campi", codice_fiscale: "RSSMRA80A01H501U", importo: "1000.00", data: "2024-03-31" });
  // Focus is visible: an outline on the focused control.
  await p.focus("cie-data input");
  assert.notEqual(await p.$eval("cie-data input", (e) => getComputedStyle(e).outlineStyle), "none");
  await p.close();
});

test("keyboard only: each composite form completed with Tab, typing and Enter", async () => {
  const p = await openDemo();
  await p.$eval(order, (el) => el.setAttribute("today", "2024-04-20"));
  const typeAll = async (first, texts) => {
    await p.focus(first);
    for (const [i, text] of texts.entries()) {
      if (i) await p.keyboard.press("Tab");
      await p.keyboard.type(text);
    }
  };
  await typeAll(field("cie-cambia-password", "current"), ["Vecchia.2023", "Abcdefghi1-", "Abcdefghi1-"]);
  await p.keyboard.press("Enter");
  assert.equal(JSON.parse(await p.textContent("#inviato")).nuova_password, "Abcdefghi1-");
  await typeAll(field(order, "number"), ["12", "10/04/2024", "33,58", "01/04/2024", "10/04/2024"]);
  await p.keyboard.press("Enter");
  assert.deepEqual(JSON.parse(await p.textContent("#inviato")), { form: "form-mandato", numero: "12", data: "2024-04-10", importo: "33.58", dal: "2024-04-01", al: "2024-04-10" });
  await typeAll(field("cie-aggiungi-utente", "surname"), ["Rossi", "Mario", "RSSMRA80A01H501U", "m.rossi@comune.it", "m.rossi@comune.it", "Responsabile"]);
  await p.keyboard.press("Tab");
  assert.equal(await p.evaluate(() => document.activeElement.textContent), "Aggiungi utente", "the submit button comes next");
  await p.keyboard.press("Enter");
  assert.equal(JSON.parse(await p.textContent("#inviato")).profilo, "manager");
  await p.close();
});

test("axe-core, WCAG 2.1 A/AA: 0 violations in the empty, invalid and valid states", async () => {
  const p = await openDemo();
  await p.addScriptTag({ content: axeSource });
  const audit = async (state) => {
    const result = await p.evaluate(() => axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
    const found = result.violations.map((v) => `${state}: ${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    assert.deepEqual(found, []);
    return result.passes.length;
  };
  await audit("empty");
  for (const id of ["form-password", "form-mandato", "form-utente", "form-campi"]) await p.click(`#${id} button[type=submit]`);
  assert.ok(await p.$$eval("[aria-invalid=true]", (els) => els.length) >= 10);
  await audit("invalid");
  await p.$eval(order, (el) => el.setAttribute("today", "2024-04-20"));
  const u = "cie-aggiungi-utente";
  const pw = "cie-cambia-password";
  for (const [sel, text] of [[field(order, "number"), "7"], [field(order, "date"), "10/04/2024"], [field(order, "amount"), "33,58"],
    ["cie-codice-fiscale input", "RSSMRA80A01H501U"], ["cie-importo input", "16,79"], ["cie-data input", "01/02/2024"],
    [field(pw, "current"), "Vecchia.2023"], [field(pw, "next"), "Abcdefghi1-"], [field(pw, "confirm"), "Abcdefghi1-"],
    [field(u, "surname"), "Rossi"], [field(u, "name"), "Mario"], [field(u, "code"), "RSSMRA80A01H501U"], [field(u, "email"), "m.rossi@comune.it"], [field(u, "email2"), "m.rossi@comune.it"]]) {
    await enter(p, sel, text);
  }
  await p.selectOption(field(u, "profile"), "manager");
  for (const id of ["form-password", "form-mandato", "form-utente", "form-campi"]) assert.equal(await formValid(p, id), true, id);
  await audit("valid");
  await p.close();
});

test("reflow: nothing wider than a 320 px screen", async () => {
  const p = await openDemo();
  await p.setViewportSize({ width: 320, height: 800 });
  for (const id of ["form-mandato", "form-utente"]) await p.click(`#${id} button[type=submit]`);
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `page is ${width} px wide at 320 px`);
  await p.screenshot({ path: shots + "reflow-320.png", fullPage: true });
  await p.close();
});

test("English when the page says so", async () => {
  const p = await openDemo();
  await p.evaluate(() => {
    const div = document.createElement("div");
    div.lang = "en";
    div.innerHTML = "<form id=en><cie-importo name=x></cie-importo></form>";
    document.body.append(div);
  });
  await enter(p, "#en cie-importo input", "1.000");
  assert.match(await errorOf(p, "#en cie-importo input"), /Invalid amount/);
  assert.equal(await p.textContent("#en cie-importo label"), "Amount (e.g. 1234,56)");
  await p.close();
});

test("a strict Content-Security-Policy: said on the page without 'wasm-unsafe-eval', working with it", async () => {
  const blocked = await browser.newPage();
  const errors = [];
  blocked.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await blocked.goto(`${server.url}/www/index.html?csp=strict`);
  await blocked.waitForSelector("cie-importo[data-state=unavailable]");
  assert.match(await blocked.textContent("cie-importo .cie-status"), /Content-Security-Policy.*'wasm-unsafe-eval'/);
  assert.equal(await formValid(blocked, "form-campi"), false, "nothing is sent unchecked");
  assert.ok(errors.some((e) => /WebAssembly/.test(e)), errors.join("\n"));
  await blocked.close();
  const allowed = await browser.newPage();
  await allowed.goto(`${server.url}/www/index.html?csp=wasm`);
  await allowed.waitForSelector("cie-importo:not([data-state=loading])");
  assert.notEqual(await allowed.getAttribute("cie-importo", "data-state"), "unavailable");
  await enter(allowed, "cie-importo input", "1.000");
  assert.match(await errorOf(allowed, "cie-importo input"), /Importo non valido/);
  await allowed.close();
});

test("no console errors on the demo page", () => {
  assert.deepEqual(consoleErrors, [], consoleErrors.join("\n"));
});

test("inside a Bootstrap Italia page: its own CSS styles the components", async () => {
  const p = await browser.newPage();
  await p.goto(`${server.url}/www/bootstrap-italia.html`);
  await p.waitForSelector(`${order}[data-state]:not([data-state=loading])`);
  await p.$eval(order, (el) => el.setAttribute("today", "2024-04-20"));
  const amount = field(order, "amount");
  await enter(p, amount, "1.000");
  // The floating label sits above what was typed, never over it (after its 0.2 s transition).
  await p.waitForTimeout(400);
  const [label, input] = await p.$eval(amount, (el) => [document.querySelector(`label[for="${el.id}"]`), el].map((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, active: e.classList.contains("active") };
  }));
  assert.ok(label.active && (label.top + label.bottom) / 2 < input.top, `label ${JSON.stringify(label)} over input ${JSON.stringify(input)}`);
  // Bootstrap Italia shows the message of an is-invalid field in its danger colour.
  const feedback = await p.$eval(amount, (el) => getComputedStyle(document.getElementById(el.getAttribute("aria-describedby").split(" ")[0])));
  assert.notEqual(feedback.display, "none");
  await enter(p, field(order, "from"), "20/04/2024");
  await enter(p, field(order, "to"), "10/04/2024");
  const period = await p.$eval(field(order, "to"), (el) => {
    const m = document.getElementById(el.getAttribute("aria-describedby").split(" ")[0]);
    return { text: m.textContent, display: getComputedStyle(m).display };
  });
  assert.deepEqual(period, { text: "Il periodo dichiarato termina prima di iniziare", display: "block" });
  await p.screenshot({ path: shots + "bootstrap-italia.png", fullPage: true });
  await p.close();
});
