/**
 * A local stand-in for the Workers AI REST API (https://developers.cloudflare.com/workers-ai/), speaking its
 * protocol on 127.0.0.1 (port 0 by default): `POST /client/v4/accounts/<account>/ai/run/<model>` with
 * `Authorization: Bearer <token>`, answered with Cloudflare's envelope `{result, success, errors, messages}`.
 * The base URL (WORKERS_AI_BASE_URL) is `<origin>/client/v4`.
 *
 *   @cf/llava-hf/llava-1.5-7b-hf     {image: number[] (0–255), prompt?, max_tokens?} → {description}
 *                                   (the description names the image's size and first bytes, so each
 *                                   frame gets its own caption)
 *   @cf/meta/llama-3.1-8b-instruct  {messages: [{role, content}], max_tokens?} or {prompt} → {response}
 *   other models                    400, error 5007 "No such model"
 *   wrong account or token          401 / 403 envelopes with success false, as Cloudflare answers them
 *
 * Each test makes its own account (`POST /__fake/accounts`): id, token, request log and faults.
 *   POST /__fake/accounts               {accountId, token, baseUrl}
 *   GET  /__fake/accounts/<id>          {requests: [{model, imageBytes?, prompt?, messages?}]}
 *   POST /__fake/accounts/<id>/faults   FakeWorkersAiFault: the next matching call(s) fail
 *
 * Run standalone with `node test/fakes/workers-ai.ts [--port 9203]`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { listenOnLoopback, type ListeningServer } from "./loopback-server.ts";

export const FAKE_CAPTION_MODEL = "@cf/llava-hf/llava-1.5-7b-hf";
export const FAKE_TEXT_MODEL = "@cf/meta/llama-3.1-8b-instruct";
/** Cloudflare's request body cap for Workers AI REST calls is larger; this keeps a runaway test bounded. */
const BODY_LIMIT = 20 * 1024 * 1024;

export interface FakeWorkersAiAccount {
  accountId: string;
  token: string;
  /** WORKERS_AI_BASE_URL for this account. */
  baseUrl: string;
}

export interface FakeWorkersAiFault {
  /** Model id; default every model. */
  model?: string;
  /** HTTP status of the failing answer (an envelope with success false); 200 means success false at 200. */
  status?: number;
  /** Answer with a result that is not the model's shape. */
  badResult?: boolean;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  times?: number;
}

export interface FakeWorkersAiRequest {
  model: string;
  imageBytes?: number;
  prompt?: string;
  messages?: { role: string; content: string }[];
}

export interface FakeWorkersAiState {
  requests: FakeWorkersAiRequest[];
}

interface Account {
  info: FakeWorkersAiAccount;
  requests: FakeWorkersAiRequest[];
  faults: (FakeWorkersAiFault & { left: number })[];
}

const envelope = (result: unknown, errors: { code: number; message: string }[] = []) => ({ result, success: errors.length === 0, errors, messages: [] });

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** What a caption model says about an image: its size and first bytes (distinct per frame, stable per image). */
export const fakeCaption = (image: readonly number[]) => `A frame of ${image.length} bytes starting ${image.slice(0, 4).map((b) => b.toString(16).padStart(2, "0")).join("")}`;
/** What the text model answers to a title request: quoted, with a period, as models often do. */
export const fakeTitle = (captions: number) => `"A video in ${captions} scenes."`;

export async function startFakeWorkersAi(port = 0): Promise<ListeningServer> {
  const accounts = new Map<string, Account>();
  let origin = "";

  const run = async (req: IncomingMessage, res: ServerResponse, accountId: string, model: string) => {
    const account = accounts.get(accountId);
    const auth = req.headers.authorization ?? "";
    if (!account) return send(res, 403, envelope(null, [{ code: 10000, message: "Authentication error" }]));
    if (auth !== `Bearer ${account.info.token}`) return send(res, 401, envelope(null, [{ code: 10000, message: "Authentication error" }]));
    let input: Record<string, unknown>;
    try {
      input = JSON.parse((await readBody(req)).toString("utf8")) as Record<string, unknown>;
    } catch {
      return send(res, 400, envelope(null, [{ code: 5006, message: "Invalid JSON body" }]));
    }
    const image = Array.isArray(input.image) ? (input.image as number[]) : undefined;
    account.requests.push({
      model,
      ...(image ? { imageBytes: image.length } : {}),
      ...(typeof input.prompt === "string" ? { prompt: input.prompt } : {}),
      ...(Array.isArray(input.messages) ? { messages: input.messages as { role: string; content: string }[] } : {}),
    });
    const fault = account.faults.find((f) => f.left > 0 && (f.model === undefined || f.model === model));
    if (fault) {
      fault.left--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.badResult) return send(res, 200, envelope({ unexpected: true }));
      if (fault.status !== undefined) return send(res, fault.status, envelope(null, [{ code: 3040, message: "Capacity temporarily exceeded" }]));
    }
    if (model === FAKE_CAPTION_MODEL) {
      if (!image || image.length === 0 || image.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) {
        return send(res, 400, envelope(null, [{ code: 5006, message: "image: must be an array of 8-bit unsigned integers" }]));
      }
      return send(res, 200, envelope({ description: ` ${fakeCaption(image)}` }));
    }
    if (model === FAKE_TEXT_MODEL) {
      const messages = Array.isArray(input.messages) ? (input.messages as { content?: unknown }[]) : undefined;
      if (!messages && typeof input.prompt !== "string") return send(res, 400, envelope(null, [{ code: 5006, message: "prompt or messages is required" }]));
      const userText = messages?.map((m) => String(m.content ?? "")).join("\n") ?? String(input.prompt);
      return send(res, 200, envelope({ response: fakeTitle(userText.split("\n").filter((l) => /^\d+\. /.test(l)).length) }));
    }
    return send(res, 400, envelope(null, [{ code: 5007, message: `No such model ${model}` }]));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handle = async () => {
      if (req.method === "POST" && url.pathname === "/__fake/accounts") {
        const accountId = randomBytes(16).toString("hex");
        const info: FakeWorkersAiAccount = { accountId, token: randomBytes(20).toString("base64url"), baseUrl: `${origin}/client/v4` };
        accounts.set(accountId, { info, requests: [], faults: [] });
        return send(res, 201, info);
      }
      const control = /^\/__fake\/accounts\/([0-9a-f]+)(\/faults)?$/.exec(url.pathname);
      if (control) {
        const account = accounts.get(control[1]!);
        if (!account) return send(res, 404, { error: "no such account" });
        if (control[2] && req.method === "POST") {
          const fault = JSON.parse((await readBody(req)).toString("utf8")) as FakeWorkersAiFault;
          account.faults.push({ ...fault, left: fault.times ?? 1 });
          res.writeHead(204).end();
          return;
        }
        return send(res, 200, { requests: account.requests } satisfies FakeWorkersAiState);
      }
      const call = /^\/client\/v4\/accounts\/([^/]+)\/ai\/run\/(.+)$/.exec(url.pathname);
      if (call && req.method === "POST") return run(req, res, decodeURIComponent(call[1]!), decodeURIComponent(call[2]!));
      return send(res, 404, envelope(null, [{ code: 7000, message: "No route for that URI" }]));
    };
    handle().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, envelope(null, [{ code: 7010, message: String(err) }]));
      else res.destroy();
    });
  });
  const listening = await listenOnLoopback(server, port);
  origin = listening.origin;
  return listening;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });
  const fake = await startFakeWorkersAi(Number(values.port));
  console.log(`fake Workers AI on ${fake.origin} (base URL after POST /__fake/accounts)`);
}
