/**
 * Production limits that local miniflare does not enforce, enforced here for every caller in the test
 * isolate: the tests, and the Worker's own fetch, queue and scheduled handlers (they run in the same
 * isolate, so patching the binding's prototype reaches the `env` each of them receives).
 *
 * What miniflare already rejects is left to miniflare (test/worker/setup/production-limits.test.ts
 * proves each threshold): D1 statements over 100 bound parameters ("too many SQL variables") or over
 * 100,000 bytes ("statement too long: SQLITE_TOOBIG"), `sendBatch` over 100 messages, and one message
 * over 128,000 bytes. What it lets through is added here:
 * - `sendBatch` over 256 KB in total (Cloudflare counts 1 KB as 1,000 bytes; miniflare allows 288,000),
 * - `delaySeconds` over 43,200 (the limit in DESIGN.md), for `send`, `sendBatch` and each message.
 */
import { env } from "cloudflare:workers";
import { QUEUE_BATCH_MAX_BYTES, QUEUE_MAX_DELAY_SECONDS, queueBatchBytes } from "./queue-message-size";

type SendOptions = { delaySeconds?: number; contentType?: QueueContentType } | undefined;
type BatchOptions = { delaySeconds?: number } | undefined;
type QueueMethods = {
  send(this: Queue, body: unknown, options?: SendOptions): Promise<unknown>;
  sendBatch(this: Queue, messages: Iterable<MessageSendRequest>, options?: BatchOptions): Promise<unknown>;
};

const PATCHED = Symbol.for("media-platform.production-limits");

function checkDelay(method: string, delaySeconds: number | undefined): void {
  if (delaySeconds !== undefined && delaySeconds > QUEUE_MAX_DELAY_SECONDS) {
    throw new Error(`Queue ${method} failed: delaySeconds of ${delaySeconds} exceeds limit of ${QUEUE_MAX_DELAY_SECONDS} seconds`);
  }
}

// Setup files run once per test file, possibly several times in one isolate: wrap only once.
const proto = Object.getPrototypeOf(env.TASKS) as QueueMethods & { [PATCHED]?: true };
if (!proto[PATCHED]) {
  const { send, sendBatch } = proto;
  // async: like the real binding, a refusal is a rejected promise, not a synchronous throw.
  proto.send = async function (body, options) {
    checkDelay("send", options?.delaySeconds);
    return send.call(this, body, options);
  };
  proto.sendBatch = async function (messages, options) {
    const list = [...messages];
    checkDelay("sendBatch", options?.delaySeconds);
    for (const message of list) checkDelay("sendBatch", message.delaySeconds);
    const bytes = queueBatchBytes(list);
    if (bytes > QUEUE_BATCH_MAX_BYTES) {
      throw new Error(`Queue sendBatch failed: batch size of ${bytes} bytes exceeds limit of ${QUEUE_BATCH_MAX_BYTES} bytes`);
    }
    return sendBatch.call(this, list, options);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
}
