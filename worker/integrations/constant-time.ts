/**
 * Comparisons of secrets and signatures for the messaging integrations, through the runtime's
 * `crypto.subtle.timingSafeEqual` (integrations/ use web APIs only, so lib/crypto.ts is not imported here).
 */

const encoder = new TextEncoder();

/** workerd's extension of SubtleCrypto (not in the DOM types that Node-side code checking this module sees). */
const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean };

/** Equal bytes, in time that depends on the length only (the length of a MAC is public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return subtle.timingSafeEqual(a, b);
}

/**
 * Equal strings (shared secrets sent verbatim, like Telegram's secret token). Both sides are hashed first:
 * timingSafeEqual needs equal lengths, and comparing fixed-size digests does not reveal how long the
 * configured secret is.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return subtle.timingSafeEqual(a, b);
}
