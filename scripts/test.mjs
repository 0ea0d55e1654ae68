#!/usr/bin/env node
// Runs the whole suite (worker, transcoder and e2e vitest projects) and ends with one plain line
// `N passed, N failed` for CI; exits non-zero on any failure.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./lib/system.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const report = path.join(mkdtempSync(path.join(tmpdir(), "media-platform-test-")), "vitest.json");
const extra = process.argv.slice(2);

const code = await run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra], { cwd: root });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests ?? 0;
  failed = (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  if (code !== 0 && failed === 0) failed = 1; // an error outside any test (setup, unhandled rejection)
} catch {
  failed = Math.max(1, failed);
}
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
