/**
 * Starts the real stack once for all e2e tests: fixture server (stands in for TikTok / YouTube / Instagram),
 * transcoder process, and `wrangler dev`. Tests reach them through `inject("stack")`.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startFixtureServer } from "../../fixtures/server";
import { freePort, repoRoot, startTranscoder, startWorker } from "../../support/processes";

export interface StackInfo {
  workerUrl: string;
  workerPort: number;
  transcoderUrl: string;
  transcoderPort: number;
  transcoderToken: string;
  fixtureOrigin: string;
  persistDir: string;
  vars: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/**
 * `wrangler dev` serves web/dist as the Worker's static assets; `npm test` builds it in its setup step, a bare
 * `vitest --project e2e` on a fresh clone here. An existing build is kept (run `npm run build:web` after
 * changing web/): rebuilding would pull files from under another stack serving the same tree.
 */
function ensureWebBuild() {
  if (existsSync(path.join(repoRoot, "web", "dist", "app", "index.html"))) return;
  execFileSync(process.execPath, ["scripts/build-web.mjs"], { cwd: repoRoot, stdio: "inherit" });
}

export default async function setup(project: TestProject) {
  ensureWebBuild();
  const fixtures = await startFixtureServer();
  const token = randomBytes(24).toString("base64url");
  const workerPort = await freePort();
  // The Worker's own origin is allowed too: it serves the signed input URLs the transcoder probes.
  const transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, `http://127.0.0.1:${workerPort}`] });
  const worker = await startWorker({
    APP_ENV: "test",
    TRANSCODER_URL: transcoder.url,
    TRANSCODER_TOKEN: token,
    SOURCE_FIXTURE_ORIGIN: fixtures.origin,
    JWT_SECRET: randomBytes(48).toString("base64url"),
    BLOB_SIGNING_SECRET: randomBytes(48).toString("base64url"),
    SYNC_TASK_TIMEOUT_SECONDS: "90",
    TASK_RETRY_BASE_SECONDS: "1",
    TASK_LEASE_SECONDS: "120",
    FILE_IDLE_TTL_SECONDS: "1800",
    // One client address (127.0.0.1) sends the whole suite: rate limits are measured in the worker project.
    SAVER_RATE_PER_MINUTE: "100000",
    SAVER_RATE_BURST: "100000",
    CONVERTER_RATE_PER_MINUTE: "100000",
    CONVERTER_RATE_BURST: "100000",
    AUTH_RATE_PER_MINUTE: "100000",
    AUTH_RATE_BURST: "100000",
    STUDIO_RATE_PER_HOUR: "100000",
    STUDIO_RATE_BURST: "100000",
    STUDIO_PROCESS_RATE_PER_MINUTE: "100000",
    STUDIO_PROCESS_RATE_BURST: "100000",
  }, { port: workerPort });
  project.provide("stack", {
    workerUrl: worker.url,
    workerPort: worker.port,
    transcoderUrl: transcoder.url,
    transcoderPort: transcoder.port,
    transcoderToken: token,
    fixtureOrigin: fixtures.origin,
    persistDir: worker.persistDir,
    vars: worker.vars,
  });
  return async () => {
    await worker.stop();
    await transcoder.stop();
    await fixtures.close();
  };
}
