/**
 * Seed 003's X-Signature and TikTok's TikTok-Signature checks. Expected signatures come from elsewhere than
 * the code under test: fixed vectors computed with Python's hmac module exactly as the seed document writes
 * it, and node:crypto's createHmac at run time.
 */
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TIKTOK_DEFAULT_TOLERANCE_SECONDS, verifyHexHmacSha256, verifyTikTokSignature } from "../../../worker/lib/webhook-signatures";

afterEach(() => {
  vi.restoreAllMocks();
});

const body = '{"url": "https://www.tiktok.com/@user/video/123"}';
const nodeHex = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("hex");

describe("verifyHexHmacSha256 (X-Signature)", () => {
  // python3: hmac.new("tu-secret".encode("utf-8"), b'{"url": "https://www.tiktok.com/@user/video/123"}', hashlib.sha256).hexdigest()
  const pythonVector = "4a11aa73c3a4ba58ae423ffffe91a24460c4e80bc3fee029035dc0c7d1b1de19";

  it("should accept the document's own signature of the raw body, as text or bytes", async () => {
    expect(await verifyHexHmacSha256("tu-secret", body, pythonVector)).toEqual({ ok: true });
    expect(await verifyHexHmacSha256("tu-secret", new TextEncoder().encode(body), pythonVector.toUpperCase())).toEqual({ ok: true });
    expect(await verifyHexHmacSha256("tu-secret", new TextEncoder().encode(body).buffer as ArrayBuffer, ` sha256=${pythonVector} `)).toEqual({ ok: true });
  });

  it("should match node:crypto on bodies with multibyte text", async () => {
    const secret = "clave-ñ-🔑";
    const raw = '{"url":"https://www.tiktok.com/@usuario/video/1","nota":"café ☕"}';
    expect(await verifyHexHmacSha256(secret, raw, nodeHex(secret, raw))).toEqual({ ok: true });
  });

  it("should refuse another body, another secret, or a re-serialised body", async () => {
    expect(await verifyHexHmacSha256("tu-secret", body.replace("123", "124"), pythonVector)).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyHexHmacSha256("tu-secreto", body, pythonVector)).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyHexHmacSha256("tu-secret", JSON.stringify(JSON.parse(body)), pythonVector)).toEqual({ ok: false, reason: "mismatch" });
  });

  it("should name missing and malformed headers", async () => {
    for (const header of [undefined, null, "", "   "]) expect(await verifyHexHmacSha256("s", body, header)).toEqual({ ok: false, reason: "missing" });
    for (const header of [pythonVector.slice(1), `${pythonVector}0`, `${pythonVector.slice(1)}g`, "sha1=" + pythonVector, btoa("x".repeat(32))]) {
      expect(await verifyHexHmacSha256("s", body, header), header).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("should refuse to check with an empty secret", async () => {
    await expect(verifyHexHmacSha256("", body, pythonVector)).rejects.toThrow(TypeError);
  });

  it("should decide through the runtime's constant-time comparison", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual").mockReturnValue(false);
    expect(await verifyHexHmacSha256("tu-secret", body, pythonVector)).toEqual({ ok: false, reason: "mismatch" });
    expect(compare).toHaveBeenCalledTimes(1);
  });
});

describe("verifyTikTokSignature (TikTok-Signature)", () => {
  const secret = "tiktok-client-secret";
  const t = 1633174587;
  // python3: hmac.new(b"tiktok-client-secret", b"1633174587." + body, hashlib.sha256).hexdigest()
  const pythonVector = "4790fa613f39d320a1af2f315e004d596429fcf8ecb8b3eae287e2a55b3f02d7";
  const at = (seconds: number) => seconds * 1000;

  it("should accept TikTok's header format within the tolerance", async () => {
    expect(await verifyTikTokSignature(secret, body, `t=${t},s=${pythonVector}`, at(t + 299), 300)).toEqual({ ok: true });
    expect(await verifyTikTokSignature(secret, body, `t=${t}, s=${pythonVector}`, at(t - 299), 300)).toEqual({ ok: true });
    expect(await verifyTikTokSignature(secret, body, `s=${pythonVector},t=${t}`, at(t))).toEqual({ ok: true });
    expect(TIKTOK_DEFAULT_TOLERANCE_SECONDS).toBe(300);
  });

  it("should match node:crypto on a fresh delivery", async () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const raw = '{"event":"video.publish.completed","content":"{\\"share_id\\":\\"v.1\\"}"}';
    expect(await verifyTikTokSignature(secret, raw, `t=${ts},s=${nodeHex(secret, `${ts}.${raw}`)}`, now, 300)).toEqual({ ok: true });
  });

  it("should refuse an authentic but stale or future delivery as stale", async () => {
    const header = `t=${t},s=${pythonVector}`;
    expect(await verifyTikTokSignature(secret, body, header, at(t + 301), 300)).toEqual({ ok: false, reason: "stale" });
    expect(await verifyTikTokSignature(secret, body, header, at(t - 301), 300)).toEqual({ ok: false, reason: "stale" });
    expect(await verifyTikTokSignature(secret, body, header, at(t + 3600))).toEqual({ ok: false, reason: "stale" });
  });

  it("should refuse a replay with a new timestamp as a mismatch (the timestamp is signed)", async () => {
    expect(await verifyTikTokSignature(secret, body, `t=${t + 1000},s=${pythonVector}`, at(t + 1000))).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyTikTokSignature("other", body, `t=${t},s=${pythonVector}`, at(t))).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyTikTokSignature(secret, `${body} `, `t=${t},s=${pythonVector}`, at(t))).toEqual({ ok: false, reason: "mismatch" });
  });

  it("should accept any one of several signatures (secret rotation)", async () => {
    expect(await verifyTikTokSignature(secret, body, `t=${t},s=${"0".repeat(64)},s=${pythonVector}`, at(t))).toEqual({ ok: true });
  });

  it("should name missing and malformed headers", async () => {
    for (const header of [undefined, null, ""]) expect(await verifyTikTokSignature(secret, body, header, at(t))).toEqual({ ok: false, reason: "missing" });
    for (const header of [pythonVector, `s=${pythonVector}`, `t=${t}`, `t=abc,s=${pythonVector}`, `t=${t},s=${pythonVector.slice(2)}`, `t=${t},t=${t},s=${pythonVector}`, `t=${t};s=${pythonVector}`]) {
      expect(await verifyTikTokSignature(secret, body, header, at(t)), header).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("should decide through the runtime's constant-time comparison", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual").mockReturnValue(false);
    expect(await verifyTikTokSignature(secret, body, `t=${t},s=${pythonVector}`, at(t))).toEqual({ ok: false, reason: "mismatch" });
    expect(compare).toHaveBeenCalledTimes(1);
  });
});
