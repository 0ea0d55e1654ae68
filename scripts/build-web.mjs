#!/usr/bin/env node
// Builds web/dist, the Worker's static assets (wrangler.toml [assets]): the web app (Vite, web/) into
// web/dist/app, and Swagger UI and ReDoc from their npm packages into web/dist/docs-assets, so /docs and
// /redoc need no CDN. Prints the gzip size of the JavaScript the app's first page loads and fails above
// the budget. Run by scripts/setup.mjs (npm start, npm test) and by `npm run deploy`.
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

/** The scripts index.html loads at once (its module entry and the module preloads), gzip-compressed. */
function initialJsGzipBytes() {
  const appDir = path.join(dist, "app");
  const html = readFileSync(path.join(appDir, "index.html"), "utf8");
  const urls = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]);
  if (urls.length === 0) throw new Error("web/dist/app/index.html loads no script: the build is broken");
  const files = urls.map((url) => path.join(appDir, url.replace(/^\/app\//, "")));
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
}

export async function buildWeb() {
  rmSync(dist, { recursive: true, force: true });
  await writeSchema();
  await build({ configFile: path.join(root, "web", "vite.config.ts"), logLevel: "warn" });
  copyDocsAssets();
  const bytes = initialJsGzipBytes();
  const kb = (bytes / 1024).toFixed(1);
  process.stdout.write(`[web] initial JavaScript of the first page: ${kb} KB gzip (budget ${INITIAL_JS_BUDGET_BYTES / 1024} KB)\n`);
  if (bytes > INITIAL_JS_BUDGET_BYTES) throw new Error(`initial JavaScript is ${kb} KB gzip, over the ${INITIAL_JS_BUDGET_BYTES / 1024} KB budget`);
}

buildWeb().catch((err) => {
  process.stderr.write(`[web] build failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
