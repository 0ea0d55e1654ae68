/**
 * HTTP Range for single byte ranges (RFC 9110 §14). The platform serves one range or the whole file:
 * - `bytes=a-b`, `bytes=a-`, `bytes=-n`            → a satisfiable range → 206
 * - a syntactically valid range past the end       → 416 with `Content-Range: bytes *\/size`
 * - malformed, another unit, or several ranges     → ignored: 200 with the full body (RFC 9110 allows
 *   a server to ignore Range; multipart/byteranges buys clients nothing for media)
 * Parsed here rather than passed to R2, because local R2 and production R2 differ on edge cases.
 */

export type RangeDecision =
  | { kind: "full" }
  | { kind: "partial"; offset: number; length: number; end: number }
  | { kind: "unsatisfiable" };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

export function decideRange(header: string | null | undefined, size: number): RangeDecision {
  if (!header) return { kind: "full" };
  const trimmed = header.trim();
  if (trimmed.includes(",")) return { kind: "full" };
  const m = SINGLE.exec(trimmed);
  if (!m) return { kind: "full" };
  const [, startText = "", endText = ""] = m;
  if (startText === "" && endText === "") return { kind: "full" };

  if (startText === "") {
    // Suffix range: the last N bytes. N = 0 can never be satisfied.
    const suffix = Number(endText);
    if (!Number.isSafeInteger(suffix)) return { kind: "full" };
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(suffix, size);
    return { kind: "partial", offset: size - length, length, end: size - 1 };
  }

  const start = Number(startText);
  if (!Number.isSafeInteger(start)) return { kind: "full" };
  const lastRequested = endText === "" ? Number.MAX_SAFE_INTEGER : Number(endText);
  if (!Number.isSafeInteger(lastRequested)) return { kind: "full" };
  if (lastRequested < start) return { kind: "full" }; // invalid per RFC → ignore the header
  if (start >= size) return { kind: "unsatisfiable" };
  const end = Math.min(lastRequested, size - 1);
  return { kind: "partial", offset: start, length: end - start + 1, end };
}
