/**
 * Every production limit the suite relies on, proven at the boundary: accepted at the limit, rejected one
 * over. Part are miniflare's own checks (kept here so an upgrade that drops one is noticed), part are
 * added by ./production-limits.ts. Each is tried directly and from inside the Worker's queue consumer
 * (a task run by the real local queue), whose `env` is not the test's.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { submitTask, waitForTask } from "../../../worker/tasks/engine";
import { registerTaskKind, type TaskHandler } from "../../../worker/tasks/registry";
import { QUEUE_BATCH_MAX_BYTES, QUEUE_MAX_DELAY_SECONDS, QUEUE_MESSAGE_METADATA_BYTES } from "./queue-message-size";

/** Never delivered while the tests run, so probing the producer wakes no consumer. */
const LATER = { delaySeconds: QUEUE_MAX_DELAY_SECONDS };

const selectOf = (n: number) => env.DB.prepare(`SELECT ${Array.from({ length: n }, () => "?").join(", ")}`).bind(...Array.from({ length: n }, (_, i) => i));
const statementOf = (bytes: number) => `SELECT '${"x".repeat(bytes - "SELECT '' AS a".length)}' AS a`;
const messages = (n: number, body: unknown = { reason: "limit-probe" }) => Array.from({ length: n }, () => ({ body }));
/** `count` text bodies whose batch, metadata included, weighs exactly `total` bytes. */
const batchWeighing = (total: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const share = Math.floor(total / count) + (i < total % count ? 1 : 0);
    return { body: "y".repeat(share - QUEUE_MESSAGE_METADATA_BYTES), contentType: "text" as const };
  });

/** What the consumer-side probe does with the `env` its run receives, by name. */
const probes = {
  d1Params: (e: Env, n: number) => e.DB.prepare(`SELECT ${Array.from({ length: n }, () => "?").join(", ")}`).bind(...Array.from({ length: n }, (_, i) => i)).all(),
  batchCount: (e: Env, n: number) => e.TASKS.sendBatch(messages(n), LATER),
  batchBytes: (e: Env, n: number) => e.TASKS.sendBatch(batchWeighing(n, 4), LATER),
  delay: (e: Env, n: number) => e.TASKS.send({ reason: "limit-probe" }, { delaySeconds: n }),
};
type ProbeName = keyof typeof probes;

const runProbe: TaskHandler = async ({ env: runEnv, task }) => {
  const { probe, n } = task.payload as { probe: ProbeName; n: number };
  try {
    await probes[probe](runEnv, n);
    return { accepted: true };
  } catch (err) {
    return { accepted: false, error: String(err) };
  }
};
registerTaskKind("test.limit-probe", { run: runProbe });

async function inConsumer(probe: ProbeName, n: number): Promise<{ accepted: boolean; error?: string }> {
  const { task } = await submitTask(env, { kind: "test.limit-probe", payload: { probe, n }, maxRetries: 0 });
  const { task: done } = await waitForTask(env, task.id, 20_000);
  expect(done.status).toBe("succeeded");
  return done.result as { accepted: boolean; error?: string };
}

describe("D1 limits (enforced by miniflare itself)", () => {
  it("should accept 100 bound parameters and reject 101 as production does", async () => {
    await expect(selectOf(100).all()).resolves.toMatchObject({ success: true });
    await expect(selectOf(101).all()).rejects.toThrow(/D1_ERROR: too many SQL variables/);
  });

  it("should apply the parameter limit to each statement of a batch", async () => {
    await expect(env.DB.batch([selectOf(100), selectOf(1)])).resolves.toHaveLength(2);
    await expect(env.DB.batch([selectOf(1), selectOf(101)])).rejects.toThrow(/too many SQL variables/);
  });

  it("should accept a statement of 100,000 bytes and reject 100,001", async () => {
    await expect(env.DB.prepare(statementOf(100_000)).first()).resolves.toBeTruthy();
    await expect(env.DB.prepare(statementOf(100_001)).first()).rejects.toThrow(/statement too long: SQLITE_TOOBIG/);
  });

  it("should hold inside the Worker's queue consumer too", async () => {
    expect(await inConsumer("d1Params", 100)).toEqual({ accepted: true });
    expect(await inConsumer("d1Params", 101)).toMatchObject({ accepted: false, error: expect.stringMatching(/too many SQL variables/) });
  });
});

describe("Queues limits", () => {
  it("should accept a sendBatch of 100 messages and reject 101 (miniflare)", async () => {
    await expect(env.TASKS.sendBatch(messages(100), LATER)).resolves.not.toThrow();
    await expect(env.TASKS.sendBatch(messages(101), LATER)).rejects.toThrow();
  });

  it("should accept a message of 128,000 bytes and reject 128,001 (miniflare)", async () => {
    await expect(env.TASKS.send(new Uint8Array(128_000), { ...LATER, contentType: "bytes" })).resolves.not.toThrow();
    await expect(env.TASKS.send(new Uint8Array(128_001), { ...LATER, contentType: "bytes" })).rejects.toThrow();
  });

  it("should accept a batch of 256,000 bytes and reject 256,001, naming the limit (added)", async () => {
    await expect(env.TASKS.sendBatch(batchWeighing(QUEUE_BATCH_MAX_BYTES, 4), LATER)).resolves.not.toThrow();
    await expect(env.TASKS.sendBatch(batchWeighing(QUEUE_BATCH_MAX_BYTES + 1, 4), LATER)).rejects.toThrow(
      "batch size of 256001 bytes exceeds limit of 256000 bytes",
    );
  });

  it("should accept delaySeconds of 43,200 and reject 43,201 on send, sendBatch and each message (added)", async () => {
    await expect(env.TASKS.send("d", { delaySeconds: 43_200 })).resolves.not.toThrow();
    await expect(env.TASKS.send("d", { delaySeconds: 43_201 })).rejects.toThrow("delaySeconds of 43201 exceeds limit of 43200 seconds");
    await expect(env.TASKS.sendBatch(messages(2), { delaySeconds: 43_201 })).rejects.toThrow(/delaySeconds of 43201/);
    await expect(env.TASKS.sendBatch([{ body: "d", delaySeconds: 43_201 }], LATER)).rejects.toThrow(/delaySeconds of 43201/);
  });

  it("should hold inside the Worker's queue consumer too", async () => {
    expect(await inConsumer("batchCount", 100)).toEqual({ accepted: true });
    expect(await inConsumer("batchCount", 101)).toMatchObject({ accepted: false });
    expect(await inConsumer("batchBytes", QUEUE_BATCH_MAX_BYTES)).toEqual({ accepted: true });
    expect(await inConsumer("batchBytes", QUEUE_BATCH_MAX_BYTES + 1)).toMatchObject({ accepted: false, error: expect.stringMatching(/exceeds limit of 256000 bytes/) });
    expect(await inConsumer("delay", 43_200)).toEqual({ accepted: true });
    expect(await inConsumer("delay", 43_201)).toMatchObject({ accepted: false, error: expect.stringMatching(/exceeds limit of 43200 seconds/) });
  });
});
