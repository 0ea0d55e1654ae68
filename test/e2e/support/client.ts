/** Helpers for e2e tests: HTTP against the running stack, media inspection with the real ffprobe. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);

export const stack = () => inject("stack");

export function api(pathname: string, init: RequestInit = {}, base = stack().workerUrl): Promise<Response> {
  return fetch(`${base}${pathname}`, init);
}

export function postJson(pathname: string, body: unknown, headers: Record<string, string> = {}, base?: string, method = "POST") {
  return api(pathname, { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) }, base);
}

export async function fixtureHits(origin = stack().fixtureOrigin): Promise<Record<string, number>> {
  return (await (await fetch(`${origin}/__hits`)).json()) as Record<string, number>;
}

export interface Probed {
  format: { format_name: string; duration?: string };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

/** ffprobe a downloaded body (written to a temp file: ffprobe reads files, not our memory). */
export async function probeBytes(bytes: Uint8Array, ext = "mp4"): Promise<Probed> {
  const dir = mkdtempSync(path.join(tmpdir(), "e2e-probe-"));
  try {
    const file = path.join(dir, `media.${ext}`);
    writeFileSync(file, bytes);
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json", file]);
    return JSON.parse(stdout) as Probed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run the cron pass now (wrangler dev --test-scheduled). */
export async function triggerCron(base = stack().workerUrl): Promise<void> {
  const res = await fetch(`${base}/__scheduled?cron=*+*+*+*+*`);
  await res.text();
  if (!res.ok) throw new Error(`cron trigger answered ${res.status}`);
}

export const uniqueId = () => `7${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
