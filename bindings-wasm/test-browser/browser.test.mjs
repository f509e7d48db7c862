// The widgets in real headless Chromium: type as a person would, assert what they see.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("..", import.meta.url));
const shots = fileURLToPath(new URL("../../target/browser/", import.meta.url));
const port = 18000 + (process.pid % 1000);
let server, browser, page;
const consoleErrors = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1"], { cwd: root, stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    try { await fetch(`http://127.0.0.1:${port}/www/index.html`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/www/index.html`);
  await page.waitForSelector("body[data-ready=yes]");
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test("instantiate + first validation time", async () => {
  const ms = await page.evaluate(() => window.__cieInitMs);
  console.log(`instantiate + first validation in Chromium: ${ms.toFixed(2)} ms`);
  assert.ok(ms > 0);
});

test("Cambia password: the checklist turns green rule by rule", async () => {
  const state = () => page.$$eval("#pw-checklist li", (lis) => lis.map((l) => `${l.className}:${l.textContent}`));
  assert.deepEqual((await state()).map((s) => s.split(":")[0]), ["unmet", "unmet", "unmet", "unmet", "unmet"]);
  await page.fill("#pw-current", "Vecchia.2023");
  await page.type("#pw-new", "abcdefghij");
  let s = await state();
  assert.equal(s[0], "met:un minimo di 10 caratteri");
  assert.equal(s[1], "unmet:almeno una lettera maiuscola");
  assert.equal(s[2], "met:almeno una lettera minuscola");
  await page.fill("#pw-new", "Abcdefghi1-");
  s = await state();
  assert.deepEqual(s.map((x) => x.split(":")[0]), ["met", "met", "met", "met", "met"]);
  assert.equal(s[4], "met:uno dei seguenti caratteri: - (meno) oppure _ (underscore) oppure . (punto)");
  await page.fill("#pw-confirm", "Abcdefghi1_");
  assert.equal(await page.textContent("#pw-extra"), "La conferma non coincide con la nuova password");
  assert.equal(await page.isDisabled("#pw-submit"), true);
  await page.fill("#pw-confirm", "Abcdefghi1-");
  assert.equal(await page.textContent("#pw-extra"), "");
  assert.equal(await page.isDisabled("#pw-submit"), false);
  await page.screenshot({ path: shots + "cambia-password.png", fullPage: true });
});

test("Inserimento mandato: cards, the red top-up, the quarter", async () => {
  await page.fill("#ord-number", "1818");
  await page.fill("#ord-date", "31/02/2024");
  assert.equal(await page.textContent("#ord-date-msg"), "La data indicata non esiste nel calendario");
  await page.fill("#ord-date", "10/04/2024");
  assert.equal(await page.textContent("#ord-date-msg"), "");
  await page.fill("#ord-amount", "33,58");
  assert.equal(await page.textContent("#ord-cards"), "2 carte");
  await page.fill("#ord-amount", "33,59");
  const hint = await page.textContent("#ord-cards");
  assert.match(hint, /integrare con € 16,78 per raggiungere 3 carte/);
  assert.equal(await page.getAttribute("#ord-cards", "class"), "error");
  assert.equal(await page.$eval("#ord-cards", (e) => getComputedStyle(e).color), "rgb(217, 54, 79)");
  await page.fill("#ord-amount", "1.234,56");
  assert.match(await page.textContent("#ord-amount-msg"), /Importo non valido/);
  await page.fill("#ord-amount", "33,58");
  await page.fill("#ord-from", "16/03/2024");
  await page.fill("#ord-to", "31/03/2024");
  assert.equal(await page.textContent("#ord-quarter"), "Trimestre di imputazione: 1° trimestre 2024");
  await page.fill("#ord-to", "05/04/2024");
  assert.equal(await page.textContent("#ord-quarter"), "Mandato da ripartire (quota parte) tra 1° trimestre 2024 e 2° trimestre 2024");
  // Every rule of the core order check, at its field.
  await page.fill("#ord-amount", "1.000");
  assert.match(await page.textContent("#ord-amount-msg"), /Importo non valido/, "1.000 is not one euro");
  assert.equal(await page.textContent("#ord-cards"), "");
  await page.fill("#ord-amount", "16.79");
  assert.match(await page.textContent("#ord-amount-msg"), /Importo non valido/, "the label asks for a comma");
  await page.fill("#ord-amount", "0,00");
  assert.equal(await page.textContent("#ord-amount-msg"), "L'importo deve essere maggiore di zero");
  await page.fill("#ord-amount", "33,58");
  await page.fill("#ord-date", "10/04/2030");
  assert.equal(await page.textContent("#ord-date-msg"), "La data del mandato non può essere futura");
  await page.fill("#ord-date", "10/04/2024");
  await page.fill("#ord-from", "20/04/2024");
  await page.fill("#ord-to", "10/04/2024");
  assert.equal(await page.textContent("#ord-period-msg"), "Il periodo dichiarato termina prima di iniziare");
  assert.equal(await page.textContent("#ord-quarter"), "", "no quarter for a reversed period");
  await page.fill("#ord-to", "");
  assert.match(await page.textContent("#ord-period-msg"), /entrambe le date/, "half a period is said, not dropped");
  await page.fill("#ord-from", "16/03/2024");
  await page.fill("#ord-to", "31/03/2024");
  assert.match(await page.textContent("#ord-late"), /dopo la scadenza della quindicina \(scadenza 29\/03\/2024\)/);
  await page.fill("#ord-number", " ");
  assert.equal(await page.textContent("#ord-number-msg"), "Il numero del mandato è obbligatorio");
  await page.fill("#ord-number", "1818");
  await page.screenshot({ path: shots + "inserimento-mandato.png", fullPage: true });
});

test("Aggiungi utente: live validation", async () => {
  await page.fill("#u-last", "Rossi");
  await page.fill("#u-first", "Mario");
  await page.fill("#u-cf", "RSSMRA80A01H501X");
  assert.match(await page.textContent("#u-cf-msg"), /carattere di controllo .* \(atteso U\)/);
  await page.fill("#u-cf", "rssmra80a01h501u");
  assert.equal(await page.textContent("#u-cf-msg"), "");
  await page.fill("#u-email", "mario.rossi@comune.it");
  await page.fill("#u-email2", "mario.rosi@comune.it");
  assert.equal(await page.textContent("#u-email-msg"), "Le due e-mail inserite non coincidono");
  await page.fill("#u-email2", "Mario.Rossi@comune.it");
  assert.equal(await page.textContent("#u-email-msg"), "");
  assert.equal(await page.isDisabled("#u-submit"), true);
  await page.selectOption("#u-profile", "operator");
  assert.equal(await page.isDisabled("#u-submit"), false);
  await page.screenshot({ path: shots + "aggiungi-utente.png", fullPage: true });
});

test("no console errors", () => {
  assert.deepEqual(consoleErrors, [], consoleErrors.join("\n"));
});
