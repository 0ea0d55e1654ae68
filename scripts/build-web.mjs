#!/usr/bin/env node
// Builds web/dist, the Worker's static assets (wrangler.toml [assets]): the web app (Vite, web/) into
// web/dist/app, and Swagger UI and ReDoc from their npm packages into web/dist/docs-assets, so /docs and
// /redoc need no CDN. Prints the gzip size of the JavaScript each page loads when it is the first one
// opened and fails when one is over the budget. Run by scripts/setup.mjs (npm start, npm test) and by `npm run deploy`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { writeSchema } from "./web-schema.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "web", "dist");
const require = createRequire(import.meta.url);
/** Issue 15: the first page's initial JavaScript, gzip. */
export const INITIAL_JS_BUDGET_BYTES = 150 * 1024;

/**
 * ReDoc's side menu shows a "by Redocly" logo loaded from Redocly's CDN: the one URL off this platform in
 * either bundle. It becomes an empty inline image; the build fails when the text is not found exactly
 * once, so an upgrade that moves it is noticed.
 */
const REDOC_CDN_LOGO = { text: "https://cdn.redoc.ly/redoc/logo-mini.svg", with: "data:image/svg+xml,%3Csvg%20xmlns%3D%27http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%27%2F%3E" };

const DOCS_ASSETS = [
  { from: "swagger-ui-dist/swagger-ui-bundle.js", to: "swagger-ui/swagger-ui-bundle.js" },
  { from: "swagger-ui-dist/swagger-ui.css", to: "swagger-ui/swagger-ui.css" },
  { from: "redoc/bundles/redoc.standalone.js", to: "redoc/redoc.standalone.js", replace: REDOC_CDN_LOGO },
];

function copyDocsAssets() {
  for (const { from, to, replace } of DOCS_ASSETS) {
    const target = path.join(dist, "docs-assets", to);
    mkdirSync(path.dirname(target), { recursive: true });
    let text = readFileSync(require.resolve(from), "utf8");
    if (replace) {
      const parts = text.split(replace.text);
      if (parts.length !== 2) throw new Error(`${from}: expected "${replace.text}" once, found it ${parts.length - 1} times`);
      text = parts.join(replace.with);
    }
    writeFileSync(target, text);
  }
}

const gzipBytes = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * What a browser landing on each page loads before it shows: the entry chunk, the page's own chunk (pages
 * are lazy, web/src/pages.ts) and every chunk either imports statically, each counted once, gzip. Read
 * from Vite's manifest, which is removed afterwards (it is not an asset anyone should fetch).
 */
function initialJsPerPage() {
  const appDir = path.join(dist, "app");
  const manifestFile = path.join(appDir, ".vite", "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  rmSync(path.dirname(manifestFile), { recursive: true, force: true });
  const closure = (key, seen) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const next of manifest[key].imports ?? []) closure(next, seen);
    return seen;
  };
  const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entryKey) throw new Error("the web build has no entry chunk: the build is broken");
  const pageKeys = (manifest[entryKey].dynamicImports ?? []).filter((key) => /(^|\/)pages\//.test(key));
  const sizeOf = (keys) => [...keys].reduce((sum, key) => sum + gzipBytes(path.join(appDir, manifest[key].file)), 0);
  const pages = [{ page: "(entry)", bytes: sizeOf(closure(entryKey, new Set())) }];
  for (const key of pageKeys) {
    const page = key.replace(/^.*pages\/([^/]+)\/.*$/, "$1");
    pages.push({ page, bytes: sizeOf(closure(key, closure(entryKey, new Set()))) });
  }
  return pages;
}

export async function buildWeb() {
  rmSync(dist, { recursive: true, force: true });
  await writeSchema();
  await build({ configFile: path.join(root, "web", "vite.config.ts"), logLevel: "warn" });
  copyDocsAssets();
  const pages = initialJsPerPage();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(`[web] initial JavaScript when a page is the first one opened, gzip (budget ${kb(INITIAL_JS_BUDGET_BYTES)}): ${pages.map((p) => `${p.page} ${kb(p.bytes)}`).join(", ")}\n`);
  const over = pages.filter((p) => p.bytes > INITIAL_JS_BUDGET_BYTES);
  if (over.length > 0) throw new Error(`over the ${kb(INITIAL_JS_BUDGET_BYTES)} budget: ${over.map((p) => `${p.page} ${kb(p.bytes)}`).join(", ")}`);
}

buildWeb().catch((err) => {
  process.stderr.write(`[web] build failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
