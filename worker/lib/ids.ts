import { toHex } from "./crypto";

/** Identifiers. Random parts come from the platform CSPRNG; nothing here is derived from user input. */

export const newId = (): string => crypto.randomUUID();

/** Lowercase hex of `bytes` random bytes (`ab12cd34` for 4), as in seed 001's file names. */
export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}
