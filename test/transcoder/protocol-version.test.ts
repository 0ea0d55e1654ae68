/**
 * The protocol version handshake, transcoder side: every operation request must say which protocol it
 * speaks, a different major version is refused before anything runs, and /healthz tells which version
 * this image speaks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, healthSchema } from "../../protocol/transcoder.ts";
import { type Stack, fetchBody, operationHeaders, postOperation, readEvents, startStack, terminal } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fixture.reset());

const [major, minor] = PROTOCOL_VERSION.split(".").map(Number) as [number, number];

const gonePost = () => fetchBody(stack, { service: "tiktok", url: `${stack.fixture.origin}/tiktok/@gone/video/1`, select: { kind: "video" } }, "/up/version");

describe("protocol version", () => {
  it("should report its protocol version on /healthz and in a response header", async () => {
    const res = await fetch(`${stack.transcoder.url}/healthz`);
    expect(healthSchema.parse(await res.json()).protocol).toBe(PROTOCOL_VERSION);
    expect(res.headers.get(PROTOCOL_VERSION_HEADER)).toBe(PROTOCOL_VERSION);
  });

  it.each([
    ["another major version", { [PROTOCOL_VERSION_HEADER]: `${major + 1}.0` }, `speaks ${major + 1}.0`],
    ["an older major version", { [PROTOCOL_VERSION_HEADER]: `${major - 1}.9` }, `speaks ${major - 1}.9`],
    ["a version that is not MAJOR.MINOR", { [PROTOCOL_VERSION_HEADER]: "v1" }, "speaks v1"],
    ["no version at all", {}, `sent no ${PROTOCOL_VERSION_HEADER} header`],
  ])("should refuse %s with 409 protocol.mismatch, not retryable, before running anything", async (_what, version, says) => {
    const headers = operationHeaders();
    delete headers[PROTOCOL_VERSION_HEADER];
    const res = await postOperation(stack, "fetch", gonePost(), { headers: { ...headers, ...version } });
    expect(res.status).toBe(409);
    expect(res.headers.get(PROTOCOL_VERSION_HEADER)).toBe(PROTOCOL_VERSION);
    const body = (await res.json()) as { error: { code: string; message: string; retryable: boolean } };
    expect(body.error).toMatchObject({ code: "protocol.mismatch", retryable: false });
    expect(body.error.message).toContain(`speaks protocol ${PROTOCOL_VERSION}`);
    expect(body.error.message).toContain(says);
    // Refused before the operation started: the source was never asked.
    expect(stack.fixture.hits()).toEqual({});
  });

  it("should run a request whose minor version differs (additive changes only)", async () => {
    const res = await postOperation(stack, "fetch", gonePost(), { headers: operationHeaders({ [PROTOCOL_VERSION_HEADER]: `${major}.${minor + 3}` }) });
    expect(res.status).toBe(200);
    expect(terminal(await readEvents(res)).error).toMatchObject({ code: "source.unavailable" });
  });
});
