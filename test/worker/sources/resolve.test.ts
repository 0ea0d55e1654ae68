import { describe, expect, it } from "vitest";
import { resolveSource } from "../../../worker/sources/resolve";

const ALL = ["tiktok", "youtube", "instagram"] as const;

describe("resolveSource: accepted URLs", () => {
  it.each([
    ["https://www.tiktok.com/@author123/video/312132123123132", "tiktok", "312132123123132", "https://www.tiktok.com/@author123/video/312132123123132"],
    ["https://tiktok.com/@a.b_c/video/7123?is_from_webapp=1", "tiktok", "7123", "https://www.tiktok.com/@a.b_c/video/7123"],
    ["https://m.tiktok.com/v/7123456789.html", "tiktok", "7123456789", "https://www.tiktok.com/@/video/7123456789"],
    ["https://www.tiktok.com/@user/photo/7300000000000000001", "tiktok", "7300000000000000001", "https://www.tiktok.com/@user/photo/7300000000000000001"],
    ["https://www.tiktok.com/embed/v2/7123", "tiktok", "7123", "https://www.tiktok.com/@/video/7123"],
    ["https://WWW.TIKTOK.COM./@u/video/1", "tiktok", "1", "https://www.tiktok.com/@u/video/1"],
    ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
    ["https://youtu.be/dQw4w9WgXcQ?si=x", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
    ["https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
    ["https://music.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
    ["https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
    ["https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
    ["https://www.instagram.com/p/C0ab_-12/", "instagram", "C0ab_-12", "https://www.instagram.com/p/C0ab_-12/"],
    ["https://instagram.com/reel/Cxyz123/?igsh=abc", "instagram", "Cxyz123", "https://www.instagram.com/p/Cxyz123/"],
    ["https://www.instagram.com/tv/Babcdef", "instagram", "Babcdef", "https://www.instagram.com/p/Babcdef/"],
    ["https://www.instagram.com/some.user/p/Cabcdef/", "instagram", "Cabcdef", "https://www.instagram.com/p/Cabcdef/"],
  ] as const)("should resolve %s", async (url, service, id, canonical) => {
    const result = await resolveSource(url, { allowed: ALL });
    expect(result).toMatchObject({ ok: true, source: { service, id, canonicalUrl: canonical, fetchUrl: canonical } });
  });
});

describe("resolveSource: refused URLs (before any request)", () => {
  const noFetch = (() => {
    throw new Error("must not fetch");
  }) as unknown as typeof fetch;

  it.each([
    ["", "url.invalid"],
    ["not a url", "url.invalid"],
    ["file:///etc/passwd", "url.scheme"],
    ["ftp://www.tiktok.com/@a/video/1", "url.scheme"],
    ["javascript:alert(1)", "url.scheme"],
    ["https://user:pw@www.tiktok.com/@a/video/1", "url.credentials"],
    ["https://www.tiktok.com:8443/@a/video/1", "url.unsupported"],
    ["http://127.0.0.1/@a/video/1", "url.unsupported"],
    ["http://localhost/@a/video/1", "url.unsupported"],
    ["http://10.0.0.1/x", "url.unsupported"],
    ["http://169.254.169.254/latest/meta-data/", "url.unsupported"],
    ["http://[::1]/x", "url.unsupported"],
    ["https://tiktok.com.evil.example/@a/video/1", "url.unsupported"],
    ["https://eviltiktok.com/@a/video/1", "url.unsupported"],
    ["https://www.tiktok.com/@a/video/abc", "url.not_a_post"],
    ["https://www.tiktok.com/@a", "url.not_a_post"],
    ["https://www.tiktok.com/@a/video/1/../../etc", "url.not_a_post"],
    ["https://www.youtube.com/watch?v=short", "url.not_a_post"],
    ["https://www.youtube.com/@channel", "url.not_a_post"],
    ["https://www.instagram.com/someone/", "url.not_a_post"],
    ["https://" + "a".repeat(3000) + ".com/", "url.invalid"],
  ])("should refuse %s", async (url, code) => {
    expect(await resolveSource(url, { allowed: ALL, fetcher: noFetch })).toMatchObject({ ok: false, code });
  });

  it("should refuse a service the face does not serve", async () => {
    const r = await resolveSource("https://www.youtube.com/watch?v=dQw4w9WgXcQ", { allowed: ["tiktok"], fetcher: noFetch });
    expect(r).toMatchObject({ ok: false, code: "url.unsupported" });
  });
});

describe("resolveSource: short links", () => {
  /** A redirect table standing in for vm.tiktok.com; records every URL the resolver asked for. */
  function redirects(table: Record<string, string | null>) {
    const asked: string[] = [];
    const fetcher = (async (input: RequestInfo | URL) => {
      const url = String(input);
      asked.push(url);
      const to = table[url];
      return to ? new Response(null, { status: 301, headers: { Location: to } }) : new Response("no", { status: 404 });
    }) as typeof fetch;
    return { fetcher, asked };
  }

  it("should follow a short link to the post it names", async () => {
    const { fetcher, asked } = redirects({ "https://vm.tiktok.com/ZMabc/": "https://www.tiktok.com/@shortuser/video/7100000000000000001?_r=1" });
    const r = await resolveSource("https://vm.tiktok.com/ZMabc/", { allowed: ["tiktok"], fetcher });
    expect(r).toMatchObject({ ok: true, source: { id: "7100000000000000001", canonicalUrl: "https://www.tiktok.com/@shortuser/video/7100000000000000001" } });
    expect(asked).toEqual(["https://vm.tiktok.com/ZMabc/"]);
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/", "url.redirect_refused"],
    ["http://127.0.0.1:8787/internal", "url.redirect_refused"],
    ["https://example.com/x", "url.redirect_refused"],
    ["file:///etc/passwd", "url.redirect_refused"],
    ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "url.redirect_refused"],
  ])("should refuse a hop to %s without requesting it", async (target, code) => {
    const { fetcher, asked } = redirects({ "https://vt.tiktok.com/evil/": target });
    const r = await resolveSource("https://vt.tiktok.com/evil/", { allowed: ["tiktok"], fetcher });
    expect(r).toMatchObject({ ok: false, code });
    expect(asked).toEqual(["https://vt.tiktok.com/evil/"]);
  });

  it("should stop redirect loops", async () => {
    const { fetcher } = redirects({ "https://vm.tiktok.com/loop/": "https://vm.tiktok.com/loop/" });
    expect(await resolveSource("https://vm.tiktok.com/loop/", { allowed: ["tiktok"], fetcher })).toMatchObject({ ok: false, code: "url.redirect_loop" });
  });

  it("should map fetches to the fixture origin in test mode", async () => {
    const { fetcher, asked } = redirects({ "http://127.0.0.1:9100/vm.tiktok/ZMabc/": "https://www.tiktok.com/@u/video/42" });
    const r = await resolveSource("https://vm.tiktok.com/ZMabc/", { allowed: ["tiktok"], fetcher, fixtureOrigin: "http://127.0.0.1:9100" });
    expect(asked).toEqual(["http://127.0.0.1:9100/vm.tiktok/ZMabc/"]);
    expect(r).toMatchObject({ ok: true, source: { canonicalUrl: "https://www.tiktok.com/@u/video/42", fetchUrl: "http://127.0.0.1:9100/tiktok/@u/video/42" } });
  });
});
