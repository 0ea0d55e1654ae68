#!/usr/bin/env node
// Starts the whole platform locally: the Worker (wrangler dev, :8787, local D1 / R2 / Queues / Durable
// Objects) and the transcoder (Node, :8788). Ctrl-C stops both; if either exits, the other is stopped.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { log } from "./lib/system.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function devVar(name) {
  const text = readFileSync(path.join(root, ".dev.vars"), "utf8");
  return new RegExp(`^${name}=(.*)$`, "m").exec(text)?.[1]?.trim();
}

const children = [];
let stopping = false;

function start(name, cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = (stream, out) =>
    stream.on("data", (chunk) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on("exit", (code, signal) => {
    log(`${name} exited (${signal ?? code})`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(code), 1500).unref();
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

start("transcoder", process.execPath, ["containers/transcoder/src/server.ts"], {
  PORT: "8788",
  HOST: "127.0.0.1",
  TRANSCODER_TOKEN: devVar("TRANSCODER_TOKEN") ?? "",
  // The Worker's signed input URLs live on loopback in development.
  TRANSCODER_TRUSTED_ORIGINS: "http://127.0.0.1:8787",
});
start("worker", "npx", ["wrangler", "dev", "--port", "8787", "--ip", "127.0.0.1", "--show-interactive-dev-session=false"], {});
log("Worker on http://127.0.0.1:8787 (docs: /docs), transcoder on http://127.0.0.1:8788. Ctrl-C stops both.");
