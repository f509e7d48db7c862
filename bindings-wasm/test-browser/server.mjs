// A static server for the browser tests: correct MIME types (application/wasm for streaming
// instantiation), gzip when the browser asks, and a Content-Security-Policy chosen per request
// (?csp=strict: script-src 'self'; ?csp=wasm: plus 'wasm-unsafe-eval').
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { extname, join, normalize } from "node:path";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png" };
const POLICIES = { strict: "script-src 'self'; object-src 'none'; base-uri 'none'", wasm: "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'" };

export function serve(root) {
  const gzipped = new Map();
  const files = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) return res.writeHead(403).end();
    let body;
    try {
      // Files are read once: the tests measure the browser, not the disk.
      if (!files.has(path)) files.set(path, await readFile(path));
      body = files.get(path);
    } catch {
      return res.writeHead(404).end();
    }
    const headers = { "content-type": TYPES[extname(path)] || "application/octet-stream", "cache-control": "no-store" };
    const policy = POLICIES[url.searchParams.get("csp")];
    if (policy && extname(path) === ".html") headers["content-security-policy"] = policy;
    if (!process.env.NOGZIP && /\bgzip\b/.test(req.headers["accept-encoding"] || "") && /\.(js|mjs|wasm|css|html)$/.test(path)) {
      if (!gzipped.has(path)) gzipped.set(path, gzipSync(body, { level: 9 }));
      body = gzipped.get(path);
      headers["content-encoding"] = "gzip";
    }
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}
