// The npm tarball as a portal team gets it: installed in a fresh project, then used as plain
// ESM in the browser (an import map), through a bundler (esbuild), and in node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const pkgRoot = fileURLToPath(new URL("..", import.meta.url));
const esbuild = join(pkgRoot, "node_modules/.bin/esbuild");
let project, server, browser;

before(async () => {
  project = mkdtempSync(join(tmpdir(), "cie-portal-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", project], { cwd: pkgRoot });
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "portale-comunale", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", `./${tarball}`], { cwd: project });
  server = await serve(project + "/");
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

const PAGE = (script) => `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Portale</title><link rel="icon" href="data:,">${script}</head>
<body><main><form id="f"><cie-importo name="importo" required></cie-importo><button>Invia</button></form></main></body></html>`;

async function amountFieldWorks(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector("cie-importo:not([data-state=loading])");
  await page.fill("cie-importo input", "1.000");
  await page.press("cie-importo input", "Tab");
  const message = await page.textContent("cie-importo .invalid-feedback");
  await page.fill("cie-importo input", "1000,00");
  const valid = await page.$eval("#f", (f) => f.checkValidity() && new FormData(f).get("importo"));
  await page.close();
  assert.deepEqual(errors, []);
  assert.match(message, /Importo non valido/);
  assert.equal(valid, "1000.00");
}

test("plain ESM in the browser, with an import map", async () => {
  writeFileSync(join(project, "esm.html"), PAGE(`<script type="importmap">{"imports": {"cie-pagamenti/components": "./node_modules/cie-pagamenti/js/components.js"}}</script>
<script type="module">import "cie-pagamenti/components";</script>`));
  await amountFieldWorks(`${server.url}/esm.html`);
});

test("through a bundler (esbuild), the .wasm copied beside the bundle", async () => {
  writeFileSync(join(project, "app.js"), `import "cie-pagamenti/components";\nimport { parseAmount } from "cie-pagamenti";\nwindow.parsed = parseAmount;\n`);
  mkdirSync(join(project, "out"), { recursive: true });
  execFileSync(esbuild, ["app.js", "--bundle", "--format=esm", "--platform=browser", "--outfile=out/app.js", "--log-level=warning"], { cwd: project });
  copyFileSync(join(project, "node_modules/cie-pagamenti/pkg/web/cie_pagamenti_wasm_bg.wasm"), join(project, "out/cie_pagamenti_wasm_bg.wasm"));
  writeFileSync(join(project, "bundled.html"), PAGE(`<script type="module" src="out/app.js"></script>`));
  await amountFieldWorks(`${server.url}/bundled.html`);
});

test("the prebuilt one-file bundle", async () => {
  writeFileSync(join(project, "prebuilt.html"), PAGE(`<link rel="preload" href="node_modules/cie-pagamenti/dist/cie_pagamenti_wasm_bg.wasm" as="fetch" type="application/wasm" crossorigin data-cie-pagamenti>
<script type="module" src="node_modules/cie-pagamenti/dist/cie-pagamenti-components.js"></script>`));
  await amountFieldWorks(`${server.url}/prebuilt.html`);
});

test("the README's node snippet runs as written", () => {
  const readme = readFileSync(join(pkgRoot, "../README.md"), "utf8");
  const snippet = readme.match(/```js\n([\s\S]*?)```/)[1];
  writeFileSync(join(project, "readme.mjs"), snippet);
  const out = execFileSync("node", ["readme.mjs"], { cwd: project, encoding: "utf8" });
  assert.match(out, /^AMOUNT_FORMAT Importo non valido/m);
});

test("in node", () => {
  const out = execFileSync("node", ["--input-type=module", "-e", `import { cardsForAmount, CieError, parseAmount } from "cie-pagamenti";
let code; try { parseAmount("1.000"); } catch (e) { code = e instanceof CieError && e.code; }
console.log(JSON.stringify([cardsForAmount("33,58"), code]));`], { cwd: project, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), [2, "AMOUNT_FORMAT"]);
});
