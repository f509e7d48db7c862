import { chromium } from "playwright-core";
import { serve } from "./server.mjs";
const server = await serve(new URL("..", import.meta.url).pathname);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const all = [];
for (let i = 0; i < 8; i++) {
  const ctx = await browser.newContext(); const p = await ctx.newPage();
  await p.goto(`${server.url}/www/index.html`);
  await p.waitForFunction(() => performance.getEntriesByName("cie-first-validation").length > 0);
  const r = await p.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const m = (n) => (performance.getEntriesByName(n)[0]?.startTime ?? -1) | 0;
    return { first: m("cie-first-validation"), modStart: m("cie-module"), ready: m("cie-ready"), html: nav.responseEnd | 0, dcl: nav.domContentLoadedEventEnd | 0,
      res: performance.getEntriesByType("resource").map((r) => `${r.name.split("/").pop()} ${r.startTime | 0}-${r.responseEnd | 0}`).join(", ") };
  });
  all.push(r.first); console.log(JSON.stringify(r));
  await ctx.close();
}
all.sort((a, b) => a - b); console.log("median", (all[3] + all[4]) / 2);
await browser.close(); server.close();
