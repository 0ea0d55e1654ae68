/**
 * The transcoder client above its transport. The real transcoder is exercised end to end in test/e2e; here
 * the Container transport's forwarding is checked against a namespace double (no Docker engine exists on
 * these machines), and the NDJSON reader against streams that end in each possible way.
 */
import { describe, expect, it } from "vitest";
import { NDJSON_CONTENT_TYPE, PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, type OperationRequest } from "../../../protocol/transcoder";
import { containerTransport, TranscoderClient, type ContainerNamespaceLike, type TranscoderTransport } from "../../../worker/media/transcoder-client";
import { TaskError } from "../../../worker/tasks/errors";

function namespaceDouble() {
  const seen: { instance: string; request: Request; body: string }[] = [];
  const ns: ContainerNamespaceLike = {
    idFromName: (name) => ({ name, toString: () => name, equals: () => false }) as unknown as DurableObjectId,
    get: (id) => ({
      async fetch(request: Request) {
        seen.push({ instance: (id as unknown as { name: string }).name, request, body: await request.clone().text() });
        return new Response("ok");
      },
    }),
  };
  return { ns, seen };
}

describe("container transport", () => {
  it("should forward method, path, headers and body to one container instance chosen by task id", async () => {
    const { ns, seen } = namespaceDouble();
    const transport = containerTransport(ns, 4, "shared-token");
    await transport.send("/v1/fetch", { method: "POST", headers: { "Content-Type": "application/json", "X-Task-Id": "task-1" }, body: '{"a":1}' });
    await transport.send("/v1/fetch", { method: "POST", headers: { "X-Task-Id": "task-1" }, body: "{}" });
    expect(seen).toHaveLength(2);
    const [first, second] = seen;
    expect(first!.request.method).toBe("POST");
    expect(new URL(first!.request.url).pathname).toBe("/v1/fetch");
    expect(first!.request.headers.get("Content-Type")).toBe("application/json");
    expect(first!.request.headers.get("Authorization")).toBe("Bearer shared-token");
    expect(first!.body).toBe('{"a":1}');
    expect(first!.instance).toMatch(/^transcoder-[0-3]$/);
    expect(second!.instance).toBe(first!.instance);
  });

  it("should spread different tasks over the instances", async () => {
    const { ns, seen } = namespaceDouble();
    const transport = containerTransport(ns, 4);
    for (let i = 0; i < 40; i++) await transport.send("/healthz", { method: "GET", headers: { "X-Task-Id": `t-${i}` } });
    expect(new Set(seen.map((s) => s.instance)).size).toBeGreaterThan(1);
  });
});

type StreamOptions = {
  status?: number;
  contentType?: string;
  breakAfter?: number;
  /** The protocol version the answer announces; null: none (an image older than the handshake). */
  version?: string | null;
};

/** A transport answering with the given NDJSON lines; it records what each request carried. */
function streamingTransport(lines: string[], opts: StreamOptions = {}, sent: { path: string; headers: Headers; body: string }[] = []): TranscoderTransport {
  return {
    name: "test",
    async send(path, init) {
      sent.push({ path, headers: new Headers(init.headers), body: String(init.body) });
      const encoder = new TextEncoder();
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (opts.breakAfter !== undefined && i === opts.breakAfter) return controller.error(new Error("connection reset"));
          if (i >= lines.length) return controller.close();
          controller.enqueue(encoder.encode(`${lines[i++]}\n`));
        },
      });
      const version = opts.version === undefined ? PROTOCOL_VERSION : opts.version;
      const headers = new Headers({ "Content-Type": opts.contentType ?? NDJSON_CONTENT_TYPE });
      if (version !== null) headers.set(PROTOCOL_VERSION_HEADER, version);
      return new Response(body, { status: opts.status ?? 200, headers });
    },
  };
}

const request: OperationRequest<"fetch"> = {
  taskId: "t",
  url: "https://www.tiktok.com/@a/video/1",
  service: "tiktok",
  select: { kind: "any", noWatermark: true, maxItems: 5, bundle: "none" },
  output: { uploadUrl: "https://x.test/internal/blobs/tok", maxBytes: 1000 },
};
const output = { name: "0.mp4", kind: "video", contentType: "video/mp4", size: 10, index: 0 };

describe("TranscoderClient.run", () => {
  it("should report progress and return the done result", async () => {
    const events: string[] = [];
    const client = new TranscoderClient(
      streamingTransport([
        JSON.stringify({ type: "progress", stage: "download", percent: 50 }),
        JSON.stringify({ type: "output", output }),
        JSON.stringify({ type: "done", result: { title: "t", outputs: [output] } }),
      ]),
    );
    const result = await client.run("fetch", request, (e) => {
      events.push(e.type);
    });
    expect(result.outputs).toHaveLength(1);
    expect(events).toEqual(["progress", "output"]);
  });

  it.each([
    ["an error line keeps its code and retryability", [JSON.stringify({ type: "error", error: { code: "source.unavailable", message: "gone", retryable: false } })], {}, "source.unavailable", false],
    ["a stream that ends early is a retryable crash", [JSON.stringify({ type: "progress", stage: "download", percent: 5 })], {}, "transcoder.crashed", true],
    ["a broken connection is a retryable crash", [JSON.stringify({ type: "progress", stage: "download", percent: 5 })], { breakAfter: 1 }, "transcoder.crashed", true],
    ["a line that is not JSON is a protocol error", ["<html>"], {}, "transcoder.protocol", true],
    ["a 400 answer is not retried", ["bad request"], { status: 400, contentType: "application/json" }, "transcoder.rejected", false],
    ["a 503 answer is retried", ["busy"], { status: 503, contentType: "text/plain" }, "transcoder.rejected", true],
  ])("%s", async (_name, lines, opts, code, retryable) => {
    const client = new TranscoderClient(streamingTransport(lines as string[], opts));
    const err = await client.run("fetch", request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(err).toMatchObject({ code, retryable });
  });

  it("should turn a refused connection into a retryable error", async () => {
    const client = new TranscoderClient({ name: "down", send: () => Promise.reject(new TypeError("fetch failed")) });
    await expect(client.run("fetch", request)).rejects.toMatchObject({ code: "transcoder.unreachable", retryable: true });
  });

  it("should post each operation to its path with the protocol version and, when there is one, the task id", async () => {
    const sent: { path: string; headers: Headers; body: string }[] = [];
    const probed = { formatName: "mov,mp4,m4a,3gp,3g2,mj2", durationSeconds: 2, streams: [{ index: 0, type: "video", codec: "h264" }] };
    const fetchClient = new TranscoderClient(streamingTransport([JSON.stringify({ type: "done", result: { title: "t", outputs: [output] } })], {}, sent));
    const probeClient = new TranscoderClient(streamingTransport([JSON.stringify({ type: "done", result: probed })], {}, sent));
    await fetchClient.run("fetch", request);
    const result = await probeClient.run("probe", { url: "https://x.test/internal/blobs/probe" });
    expect(result).toEqual(probed);
    expect(sent.map((s) => [s.path, s.headers.get(PROTOCOL_VERSION_HEADER), s.headers.get("X-Task-Id")])).toEqual([
      ["/v1/fetch", PROTOCOL_VERSION, "t"],
      ["/v1/probe", PROTOCOL_VERSION, null],
    ]);
    expect(JSON.parse(sent[1]!.body)).toEqual({ url: "https://x.test/internal/blobs/probe" });
  });

  it("should reject a done result that does not fit the operation's result schema", async () => {
    const client = new TranscoderClient(streamingTransport([JSON.stringify({ type: "done", result: { title: "t", outputs: [] } })]));
    await expect(client.run("fetch", request)).rejects.toMatchObject({ code: "transcoder.protocol", retryable: true });
  });
});

describe("protocol version", () => {
  const [major] = PROTOCOL_VERSION.split(".").map(Number) as [number];
  const other = `${major + 1}.0`;

  it("should turn the transcoder's 409 protocol.mismatch into a non-retryable error naming both versions", async () => {
    const refusal = { error: { code: "protocol.mismatch", message: `this transcoder speaks protocol ${other}`, retryable: false } };
    const client = new TranscoderClient(streamingTransport([JSON.stringify(refusal)], { status: 409, contentType: "application/json", version: other }));
    const err = await client.run("fetch", request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(err).toMatchObject({ code: "protocol.mismatch", retryable: false });
    expect((err as TaskError).message).toContain(`the Worker speaks transcoder protocol ${PROTOCOL_VERSION}`);
    expect((err as TaskError).message).toContain(`answered with protocol ${other}`);
  });

  it.each([
    ["another major version", other, `protocol ${other}`],
    ["no version (an image older than the handshake)", null, "no protocol version"],
  ])("should refuse a streamed answer announcing %s before reading any event", async (_what, version, says) => {
    const events: string[] = [];
    const client = new TranscoderClient(
      streamingTransport([JSON.stringify({ type: "progress", stage: "download", percent: 5 }), JSON.stringify({ type: "done", result: { title: "t", outputs: [output] } })], { version }),
    );
    const err = await client.run("fetch", request, (e) => void events.push(e.type)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "protocol.mismatch", retryable: false });
    expect((err as TaskError).message).toContain(says);
    expect(events).toEqual([]);
  });

  it("should accept an answer of the same major version and another minor one", async () => {
    const client = new TranscoderClient(streamingTransport([JSON.stringify({ type: "done", result: { title: "t", outputs: [output] } })], { version: `${major}.9` }));
    await expect(client.run("fetch", request)).resolves.toMatchObject({ title: "t" });
  });
});
