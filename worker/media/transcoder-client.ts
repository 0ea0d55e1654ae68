/**
 * The Worker's side of the transcoder protocol. One client, two transports:
 * - HTTP to TRANSCODER_URL (local development and tests: a Node process on :8788)
 * - the Container binding (production: a Durable-Object-backed container per instance name)
 * Everything above the transport is identical, so local runs exercise the production code path.
 */
import {
  NDJSON_CONTENT_TYPE,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  progressEventSchema,
  protocolMajor,
  TRANSCODER_OPERATIONS,
  transcoderErrorSchema,
  type OperationRequest,
  type OperationResult,
  type ProgressEvent,
  type TranscoderOperation,
} from "../../protocol/transcoder";
import { getConfig } from "../env";
import { TaskError } from "../tasks/errors";
import { TRANSCODER_INSTANCES } from "./transcoder-instances";

/** Sends one request to a transcoder instance. */
export interface TranscoderTransport {
  readonly name: string;
  send(path: string, init: RequestInit): Promise<Response>;
}

export function httpTransport(baseUrl: string, token?: string): TranscoderTransport {
  return {
    name: `http:${baseUrl}`,
    send(path, init) {
      const headers = new Headers(init.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
  };
}

/** The slice of a Durable Object namespace the container transport needs (the real binding satisfies it). */
export interface ContainerNamespaceLike {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): { fetch(request: Request): Promise<Response> };
}

/**
 * Spread work over `instances` containers. The instance is picked per request from a key (the task id)
 * so retries of one task are spread too, while one task's request is never split.
 */
export function containerTransport(namespace: ContainerNamespaceLike, instances: number, token?: string): TranscoderTransport {
  return {
    name: `container:${instances}`,
    send(path, init) {
      const key = new Headers(init.headers).get("X-Task-Id") ?? crypto.randomUUID();
      let hash = 0;
      for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
      const instance = `transcoder-${hash % Math.max(1, instances)}`;
      const stub = namespace.get(namespace.idFromName(instance));
      const headers = new Headers(init.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      // The host is irrelevant: the Container class proxies to its defaultPort.
      return stub.fetch(new Request(`http://transcoder${path}`, { ...init, headers }));
    },
  };
}

export function transcoderTransportFor(env: Env): TranscoderTransport {
  const config = getConfig(env);
  if (config.TRANSCODER_URL) return httpTransport(config.TRANSCODER_URL, config.TRANSCODER_TOKEN);
  return containerTransport(env.TRANSCODER, TRANSCODER_INSTANCES, config.TRANSCODER_TOKEN);
}

/** Read an NDJSON body line by line without buffering more than one line. */
async function* ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield line;
      newline = pending.indexOf("\n");
    }
  }
  if (pending.trim()) yield pending.trim();
}

export type OperationEventHandler = (event: ProgressEvent) => Promise<void> | void;

/** The task id, when the request carries one: it picks the container instance (see containerTransport). */
function routingKey(request: object): string | undefined {
  const value: unknown = "taskId" in request ? request.taskId : undefined;
  return typeof value === "string" ? value : undefined;
}

/** A Worker and a transcoder that would misread each other: not retryable, one side must be redeployed. */
function protocolMismatch(theirs: string | null, detail?: string): TaskError {
  const them = theirs ? `protocol ${theirs}` : "no protocol version";
  return new TaskError(
    "protocol.mismatch",
    `the Worker speaks transcoder protocol ${PROTOCOL_VERSION} but the transcoder answered with ${them}${detail ? `: ${detail}` : ""}`,
    false,
  );
}

export class TranscoderClient {
  readonly transport: TranscoderTransport;

  constructor(transport: TranscoderTransport) {
    this.transport = transport;
  }

  /**
   * Run one operation of the protocol table, passing its progress and output lines to `onEvent`, and
   * return its result, checked against the table's result schema. Every way the operation can end badly
   * becomes a TaskError: the transcoder's own error line keeps its code and retryability; a refused
   * connection or a stream that stops before its final line (the process died) is retryable; a
   * transcoder speaking another major protocol version is not.
   */
  async run<Op extends TranscoderOperation>(
    op: Op,
    request: OperationRequest<Op>,
    onEvent: OperationEventHandler = () => undefined,
    signal?: AbortSignal,
  ): Promise<OperationResult<Op>> {
    const spec = TRANSCODER_OPERATIONS[op];
    const res = await this.send(spec.path, request, routingKey(request), signal);
    const done = await this.readStream(res, onEvent);
    const parsed = spec.result.safeParse(done);
    if (!parsed.success) throw new TaskError("transcoder.protocol", `transcoder returned a malformed ${op} result`, true);
    return parsed.data as OperationResult<Op>;
  }

  private async send(path: string, body: unknown, taskId: string | undefined, signal?: AbortSignal): Promise<Response> {
    try {
      return await this.transport.send(path, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          [PROTOCOL_VERSION_HEADER]: PROTOCOL_VERSION,
          ...(taskId ? { "X-Task-Id": taskId } : {}),
        },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      throw new TaskError("transcoder.unreachable", `transcoder unreachable: ${String(err)}`, true);
    }
  }

  private async readStream(res: Response, onEvent: OperationEventHandler): Promise<unknown> {
    const theirs = res.headers.get(PROTOCOL_VERSION_HEADER);
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => "");
      const refusal = transcoderErrorSchema.safeParse(safeJson(text)?.error);
      if (refusal.success && refusal.data.code === "protocol.mismatch") throw protocolMismatch(theirs, refusal.data.message);
      throw new TaskError("transcoder.rejected", `transcoder answered ${res.status}: ${text.slice(0, 500)}`, res.status >= 500);
    }
    // An image older than the version handshake runs the request without checking; its answer says so.
    if (protocolMajor(theirs) !== protocolMajor(PROTOCOL_VERSION)) {
      await res.body.cancel().catch(() => undefined);
      throw protocolMismatch(theirs);
    }
    if (!(res.headers.get("Content-Type") ?? "").startsWith(NDJSON_CONTENT_TYPE)) {
      throw new TaskError("transcoder.protocol", "transcoder did not stream NDJSON", true);
    }
    try {
      for await (const line of ndjsonLines(res.body)) {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          throw new TaskError("transcoder.protocol", "transcoder sent a line that is not JSON", true);
        }
        const event = progressEventSchema.safeParse(json);
        if (!event.success) throw new TaskError("transcoder.protocol", "transcoder sent an unknown event", true);
        if (event.data.type === "done") return event.data.result;
        if (event.data.type === "error") {
          const { code, message, retryable } = event.data.error;
          throw new TaskError(code, message, retryable);
        }
        await onEvent(event.data);
      }
    } catch (err) {
      if (err instanceof TaskError) throw err;
      throw new TaskError("transcoder.crashed", `transcoder stream broke: ${String(err)}`, true);
    }
    throw new TaskError("transcoder.crashed", "transcoder stream ended without a result", true);
  }
}

function safeJson(text: string): { error?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

export const transcoderFor = (env: Env) => new TranscoderClient(transcoderTransportFor(env));
