/**
 * Hostile URLs against the source resolver. Each must be refused before any request leaves the Worker:
 * the fetcher records every call and the test asserts it was never called (redirect cases: only the
 * allowlisted short-link host itself was asked, never the target).
 */
import { describe, expect, it } from "vitest";
import { resolveSource } from "../../../worker/sources/resolve";
import { postJson } from "../support/http";

const DIRECT: string[] = [
  // loopback, in every spelling the WHATWG parser accepts
  "http://127.0.0.1/@a/video/1",
  "http://127.1/@a/video/1",
  "http://2130706433/@a/video/1",
  "http://0x7f000001/@a/video/1",
  "http://017700000001/@a/video/1",
  "http://0177.0.0.1/@a/video/1",
  "http://localhost/@a/video/1",
  "http://localhost./@a/video/1",
  "http://LOCALHOST:8787/@a/video/1",
  "http://[::1]/@a/video/1",
  "http://[::ffff:127.0.0.1]/@a/video/1",
  "http://[0:0:0:0:0:ffff:7f00:1]/@a/video/1",
  "http://0.0.0.0/@a/video/1",
  // private ranges
  "http://10.0.0.1/@a/video/1",
  "http://172.16.0.1/@a/video/1",
  "http://172.31.255.254/@a/video/1",
  "http://192.168.1.1/@a/video/1",
  "http://[fd00::1]/@a/video/1",
  "http://[::ffff:10.0.0.1]/@a/video/1",
  "http://100.64.0.1/@a/video/1",
  // link-local and cloud metadata
  "http://169.254.169.254/latest/meta-data/",
  "http://[fe80::1]/@a/video/1",
  "http://[::ffff:169.254.169.254]/latest/meta-data/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://metadata/computeMetadata/v1/",
  // other schemes
  "file:///etc/passwd",
  "file://www.tiktok.com/@a/video/1",
  "ftp://www.tiktok.com/@a/video/1",
  "gopher://www.tiktok.com:70/_GET",
  "data:text/html,<script>alert(1)</script>",
  "javascript:alert(document.domain)",
  "ws://www.tiktok.com/@a/video/1",
  "dict://127.0.0.1:6379/info",
  // credentials and host confusion
  "https://user:pass@www.tiktok.com/@a/video/1",
  "https://www.tiktok.com@evil.example/@a/video/1",
  "https://www.tiktok.com:443@127.0.0.1/@a/video/1",
  "https://www.tiktok.com.evil.example/@a/video/1",
  "https://evil.example/#www.tiktok.com/@a/video/1",
  "https://evil.example/?u=https://www.tiktok.com/@a/video/1",
  "https://www.xn--tktok-2ve.com/@a/video/1",
  "https://www.tіktok.com/@a/video/1",
  "https:\\\\evil.example\\@a\\video\\1",
  "https://www.tiktok.com:8080/@a/video/1",
  "//www.tiktok.com/@a/video/1",
  "www.tiktok.com/@a/video/1",
];

const REDIRECT_TARGETS: string[] = [
  "http://127.0.0.1/",
  "http://[::1]/",
  "http://10.1.2.3/",
  "http://192.168.0.10/",
  "http://169.254.169.254/latest/meta-data/iam/",
  "http://[::ffff:169.254.169.254]/",
  "file:///etc/shadow",
  "https://evil.example/@a/video/1",
];

function recordingFetcher() {
  const asked: string[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    asked.push(String(input));
    return new Response(null, { status: 302, headers: { Location: String(nextTarget) } });
  }) as typeof fetch;
  let nextTarget = "";
  return { fetcher, asked, setTarget: (t: string) => (nextTarget = t) };
}

describe("hostile URLs", () => {
  it.each(DIRECT)("should refuse %s without any request", async (url) => {
    const { fetcher, asked } = recordingFetcher();
    const result = await resolveSource(url, { allowed: ["tiktok", "youtube", "instagram"], fetcher });
    expect(result.ok).toBe(false);
    expect(asked).toEqual([]);
  });

  it.each(REDIRECT_TARGETS)("should refuse a short link redirecting to %s without following it", async (target) => {
    const { fetcher, asked, setTarget } = recordingFetcher();
    setTarget(target);
    const result = await resolveSource("https://vm.tiktok.com/ZMevil/", { allowed: ["tiktok"], fetcher });
    expect(result).toMatchObject({ ok: false, code: "url.redirect_refused" });
    expect(asked).toEqual(["https://vm.tiktok.com/ZMevil/"]);
  });

  it("should refuse them through the API in the documented shape", async () => {
    for (const url of DIRECT.slice(0, 12)) {
      const res = await postJson("/download", { url });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/^Invalid TikTok URL/) });
    }
  });

  // Controls: the same harness says yes to a real post and to a short link leading to one, so the refusals
  // above come from the URLs, not from a resolver or fetcher that refuses everything.
  it("should accept a canonical post URL without any request", async () => {
    const { fetcher, asked } = recordingFetcher();
    const result = await resolveSource("https://www.tiktok.com/@scout2015/video/6718335390845095173", { allowed: ["tiktok"], fetcher });
    expect(result).toMatchObject({ ok: true, source: { service: "tiktok" } });
    expect(asked).toEqual([]);
  });

  it("should follow a short link to an allowlisted post", async () => {
    const { fetcher, asked, setTarget } = recordingFetcher();
    setTarget("https://www.tiktok.com/@scout2015/video/6718335390845095173");
    const result = await resolveSource("https://vm.tiktok.com/ZMevil/", { allowed: ["tiktok"], fetcher });
    expect(result).toMatchObject({ ok: true, source: { service: "tiktok" } });
    expect(asked).toEqual(["https://vm.tiktok.com/ZMevil/"]);
  });
});
