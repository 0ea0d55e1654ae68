/**
 * Password hashing with PBKDF2-HMAC-SHA256 through WebCrypto (native code in workerd, so it fits the CPU
 * budget). 100,000 iterations is the most Workers' WebCrypto accepts in production; the salt is 16 random
 * bytes per password. Stored form: `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`
 * (scripts/admin.mjs writes the same format with Node's crypto).
 */
import { fromBase64Url, timingSafeEqualBytes, toBase64Url } from "../lib/crypto";

export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterText);
  const salt = saltText ? fromBase64Url(saltText) : null;
  const expected = hashText ? fromBase64Url(hashText) : null;
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS || !salt || !expected) {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  return timingSafeEqualBytes(actual, expected);
}

/**
 * A hash of a random password, computed once per isolate: verifying against it when a username does not
 * exist makes a failed login cost the same either way, so timing does not reveal which usernames exist.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
