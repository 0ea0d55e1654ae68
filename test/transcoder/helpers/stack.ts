/**
 * The transcoder test stack, started once per test file: the fixture server (TikTok / YouTube /
 * Instagram stand-ins), the transcoder in-process in test mode with its own WORK_DIR, and an upload
 * receiver. Plus the client side: POST a fetch, read the NDJSON stream, ffprobe what arrived.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { ProgressEvent, FetchSelection, MediaService, OutputFile, TranscoderError, TranscoderOperation } from "../../../protocol/transcoder.ts";
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, TRANSCODER_OPERATIONS, progressEventSchema } from "../../../protocol/transcoder.ts";
import { loadConfig } from "../../../containers/transcoder/src/config.ts";
import { type TranscoderServer, startTranscoderServer } from "../../../containers/transcoder/src/server.ts";
import type { LookupAll } from "../../../containers/transcoder/src/lib/net-guard.ts";
import { type FixtureServer, startFixtureServer } from "../../fixtures/server.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

export type Stack = {
  fixture: FixtureServer;
  transcoder: TranscoderServer;
  receiver: Receiver;
  workDir: string;
  close(): Promise<void>;
};

export type StackOptions = {
  lookup?: LookupAll;
  operationTimeoutMs?: number;
  token?: string;
  /** Origins allowed besides the fixture server's (test mode lets them past the network guard). */
  allowedOrigins?: string[];
};

export const startStack = async (opts: StackOptions = {}): Promise<Stack> => {
  const fixture = await startFixtureServer();
  const receiver = await startReceiver();
  const workDir = await mkdtemp(path.join(os.tmpdir(), "transcoder-test-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    WORK_DIR: workDir,
    TRANSCODER_TEST_MODE: "1",
    TRANSCODER_ALLOWED_ORIGINS: [fixture.origin, ...(opts.allowedOrigins ?? [])].join(","),
    ...(opts.operationTimeoutMs ? { TRANSCODER_OPERATION_TIMEOUT_MS: String(opts.operationTimeoutMs) } : {}),
    ...(opts.token ? { TRANSCODER_TOKEN: opts.token } : {}),
  });
  const transcoder = await startTranscoderServer(config, { log: () => {}, ...(opts.lookup ? { lookup: opts.lookup } : {}) });
  return {
    fixture,
    transcoder,
    receiver,
    workDir,
    close: async () => {
      await transcoder.close();
      await Promise.all([fixture.close(), receiver.close()]);
      await rm(workDir, { recursive: true, force: true });
    },
  };
};

let sequence = 0;

export type FetchCall = {
  service: MediaService;
  url: string;
  select: Partial<FetchSelection> & Pick<FetchSelection, "kind">;
  maxBytes?: number;
  /** Upload prefix; `/fail/...` makes the receiver answer 500. */
  uploadPath?: string;
};

export type FetchOutcome = {
  events: ProgressEvent[];
  outputs: OutputFile[];
  done: { title: string; sourceId?: string; uploader?: string; outputs: OutputFile[] } | undefined;
  error: TranscoderError | undefined;
  uploadPath: string;
};

export const fetchBody = (stack: Stack, call: FetchCall, uploadPath: string) => ({
  taskId: `task-${++sequence}`,
  url: call.url,
  service: call.service,
  select: call.select,
  output: { uploadUrl: `${stack.receiver.origin}${uploadPath}`, maxBytes: call.maxBytes ?? 500 * 1024 * 1024 },
});

/** The headers the Worker's client sends with every operation request. */
export const operationHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  "content-type": "application/json",
  [PROTOCOL_VERSION_HEADER]: PROTOCOL_VERSION,
  ...extra,
});

/** POSTs an operation request as the Worker does; a string body is sent as it is. */
export const postOperation = (
  stack: Stack,
  op: TranscoderOperation,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> =>
  fetch(`${stack.transcoder.url}${TRANSCODER_OPERATIONS[op].path}`, {
    method: "POST",
    headers: init.headers ?? operationHeaders(),
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });

/** Reads an operation's whole NDJSON answer, every line checked against the protocol schema. */
export const readEvents = async (res: Response): Promise<ProgressEvent[]> => {
  if (res.status !== 200) throw new Error(`operation answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => progressEventSchema.parse(JSON.parse(l)));
};

/** The terminal line of an operation: its result, or its error. */
export const terminal = (events: ProgressEvent[]): { result: unknown; error: TranscoderError | undefined } => {
  const last = events.at(-1);
  return { result: last?.type === "done" ? last.result : undefined, error: last?.type === "error" ? last.error : undefined };
};

/** Runs one fetch to the end and parses every NDJSON line against the protocol schema. */
export const runFetch = async (stack: Stack, call: FetchCall): Promise<FetchOutcome> => {
  const uploadPath = call.uploadPath ?? `/up/t${++sequence}`;
  const events = await readEvents(await postOperation(stack, "fetch", fetchBody(stack, call, uploadPath)));
  const outputs = events.flatMap((e) => (e.type === "output" ? [e.output] : []));
  const doneEvent = events.find((e) => e.type === "done");
  const errorEvent = events.find((e) => e.type === "error");
  return {
    events,
    outputs,
    done: doneEvent?.type === "done" ? (doneEvent.result as FetchOutcome["done"]) : undefined,
    error: errorEvent?.type === "error" ? errorEvent.error : undefined,
    uploadPath,
  };
};

const execFileAsync = promisify(execFile);

export type Probed = {
  formatName: string;
  durationSeconds: number | undefined;
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
};

/** ffprobe a received file, independently of the transcoder's own probe code. */
export const probeFile = async (file: string): Promise<Probed> => {
  const { stdout } = await execFileAsync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]);
  const json = JSON.parse(stdout) as { format: { format_name: string; duration?: string }; streams: Probed["streams"] };
  return {
    formatName: json.format.format_name,
    durationSeconds: json.format.duration === undefined ? undefined : Number(json.format.duration),
    streams: json.streams,
  };
};

/** Decodes every frame: proves a file plays, not just that its header parses. */
export const decodesCleanly = async (file: string): Promise<boolean> => {
  try {
    const { stderr } = await execFileAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", file, "-f", "null", "-"]);
    return stderr.trim() === "";
  } catch {
    return false;
  }
};

export const workDirEntries = (stack: Stack): Promise<string[]> => readdir(stack.workDir);
