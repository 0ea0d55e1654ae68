/**
 * How the test suite measures Queues messages against Cloudflare's published limits
 * (developers.cloudflare.com/queues/platform/limits: 1 KB is 1,000 bytes, and each message carries up to
 * ~100 bytes of metadata that count towards the limits). The body's size is estimated from its JSON or
 * UTF-8 form: close to, not identical with, the runtime's own serialisation, so a test that wants to sit
 * exactly on a limit uses string bodies, whose size is unambiguous.
 */
export const QUEUE_BATCH_MAX_BYTES = 256_000;
export const QUEUE_MAX_DELAY_SECONDS = 43_200;
export const QUEUE_MESSAGE_METADATA_BYTES = 100;

const utf8 = new TextEncoder();

export function queueBodyBytes(body: unknown): number {
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (typeof body === "string") return utf8.encode(body).byteLength;
  const json = JSON.stringify(body);
  return json === undefined ? 0 : utf8.encode(json).byteLength;
}

export function queueBatchBytes(messages: readonly { body: unknown }[]): number {
  return messages.reduce((sum, m) => sum + queueBodyBytes(m.body) + QUEUE_MESSAGE_METADATA_BYTES, 0);
}
