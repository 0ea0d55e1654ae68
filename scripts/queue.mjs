#!/usr/bin/env node
// Seed 003's queue manager verbs, as a client of the studio's queue API (the jobs run on the platform's
// task engine; its queue consumers are the workers):
//   npm run queue -- add -u URL [-p 1-10 (5)] [-r 0-10 (3)]
//   npm run queue -- stats
//   npm run queue -- list [-s pending|processing|completed|failed] [-l LIMIT (20)] [-o OFFSET]
//   npm run queue -- get JOB_ID
//   npm run queue -- start [-w N]        nothing to start: the platform's consumers run jobs
// Options: --api BASE (default $STUDIO_API_URL or http://127.0.0.1:8787), --json (print the API's body).
// A token in $STUDIO_API_TOKEN (the studio token, a platform JWT or an API key) is sent as a bearer token.
import { parseArgs } from "node:util";

const USAGE = `usage: queue <add|stats|list|get|start> [options]
  add   -u, --url URL  [-p, --priority 1-10]  [-r, --max-retries 0-10]
  stats
  list  [-s, --status pending|processing|completed|failed]  [-l, --limit N]  [-o, --offset N]
  get   JOB_ID
  start [-w, --workers N]
common: --api BASE_URL (or STUDIO_API_URL; default http://127.0.0.1:8787), --json; token: STUDIO_API_TOKEN`;

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string", short: "u" },
      priority: { type: "string", short: "p" },
      "max-retries": { type: "string", short: "r" },
      status: { type: "string", short: "s" },
      limit: { type: "string", short: "l" },
      offset: { type: "string", short: "o" },
      workers: { type: "string", short: "w" },
      api: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (err) {
  fail(`${err.message}\n${USAGE}`, 2);
}
const { values: opts, positionals } = parsed;
const [verb, ...rest] = positionals;
if (opts.help || !verb) fail(USAGE, opts.help ? 0 : 2);

const base = (opts.api ?? process.env.STUDIO_API_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const token = process.env.STUDIO_API_TOKEN;

/** An integer option as typed; the API checks its range and answers with the document's error. */
function integer(name, raw) {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) fail(`--${name} must be an integer, got ${JSON.stringify(raw)}`, 2);
  return Number(raw);
}

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    fail(`cannot reach ${base}: ${err.cause?.message ?? err.message}`);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok || json.success === false) fail(`${method} ${path}: HTTP ${res.status}: ${json.error ?? text}`);
  return json;
}

const show = (job) =>
  [job.job_id, job.status.padEnd(10), `p${job.priority}`.padEnd(3), `tries ${job.attempts}/${job.max_retries + 1}`, job.url, job.error ? `(${job.error})` : ""]
    .join("  ")
    .trimEnd();

switch (verb) {
  case "add": {
    if (!opts.url) fail(`add needs -u URL\n${USAGE}`, 2);
    const body = { url: opts.url, priority: integer("priority", opts.priority), max_retries: integer("max-retries", opts["max-retries"]) };
    const job = await call("POST", "/api/v1/queue/jobs", body);
    console.log(opts.json ? JSON.stringify(job) : `Job added: ${job.job_id} (priority ${job.priority}, max_retries ${job.max_retries})`);
    break;
  }
  case "stats": {
    const s = await call("GET", "/api/v1/queue/stats");
    console.log(
      opts.json
        ? JSON.stringify(s)
        : [`Pending: ${s.pending}`, `Processing: ${s.processing}`, `Completed: ${s.completed}`, `Failed: ${s.failed}`, `Total: ${s.total}`].join("\n"),
    );
    break;
  }
  case "list": {
    const query = new URLSearchParams();
    if (opts.status) query.set("status", opts.status);
    const limit = integer("limit", opts.limit);
    const offset = integer("offset", opts.offset);
    if (limit !== undefined) query.set("limit", String(limit));
    if (offset !== undefined) query.set("offset", String(offset));
    const page = await call("GET", `/api/v1/queue/jobs${query.size ? `?${query}` : ""}`);
    if (opts.json) console.log(JSON.stringify(page));
    else {
      for (const job of page.jobs) console.log(show(job));
      console.log(`${page.jobs.length} of ${page.total} job(s)`);
    }
    break;
  }
  case "get": {
    const [id] = rest;
    if (!id) fail(`get needs a job id\n${USAGE}`, 2);
    const job = await call("GET", `/api/v1/queue/jobs/${encodeURIComponent(id)}`);
    console.log(opts.json ? JSON.stringify(job) : show(job));
    break;
  }
  case "start":
    console.log("Nothing to start: queued jobs run on the platform's queue consumers (scaled by Cloudflare Queues, not by -w).");
    break;
  default:
    fail(`unknown command ${JSON.stringify(verb)}\n${USAGE}`, 2);
}
