import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEgressProxy } from "../../containers/transcoder/src/lib/egress-proxy.ts";
import { downloadToFile, fetchPage } from "../../containers/transcoder/src/lib/guarded-fetch.ts";
import { type LookupAll, blockedAddressReason, checkUrl } from "../../containers/transcoder/src/lib/net-guard.ts";
import { type Stack, runFetch, startStack } from "./helpers/stack.ts";

/**
 * Every socket this process tries to open, by target host. The guard must refuse hostile URLs before
 * any of these happen; the only connections a test may make are to loopback (its own servers).
 */
const connectTargets: string[] = [];
let connectSpy: ReturnType<typeof vi.spyOn> | undefined;
beforeEach(() => {
  connectTargets.length = 0;
  const original = net.Socket.prototype.connect;
  connectSpy = vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // Node passes either (options | port, host) or, internally, one normalized [options, callback] array.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host =
      typeof first === "object" && first !== null
        ? ((first as { host?: string; path?: string }).host ?? (first as { path?: string }).path ?? "localhost")
        : (args[1] ?? "localhost");
    connectTargets.push(String(host));
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  });
});
afterEach(() => connectSpy?.mockRestore());

const nonLoopbackConnects = () => connectTargets.filter((h) => !["127.0.0.1", "localhost", "::1"].includes(h));

/** A resolver that answers from a table and records every question: no real DNS in tests. */
const tableLookup = (answers: Record<string, string[]>) => {
  const asked: string[] = [];
  const lookup: LookupAll = async (host) => {
    asked.push(host);
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { lookup, asked };
};

const dns = tableLookup({
  "metadata.example": ["169.254.169.254"],
  "internal.example": ["10.1.2.3"],
  "mixed.example": ["93.184.215.14", "192.168.1.10"],
  "v6-ula.example": ["fd12:3456::1"],
  "v6-mapped.example": ["::ffff:127.0.0.1"],
  "cgnat.example": ["100.64.0.7"],
  "public.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
});
const policy = { allowedOrigins: new Set<string>(), lookup: dns.lookup };

// Hostile URLs, each with whether the guard may consult DNS for it (literals must be judged without it).
const hostile: Array<{ url: string; dns: boolean }> = [
  { url: "http://127.0.0.1/", dns: false },
  { url: "http://127.1/", dns: false },
  { url: "http://2130706433/", dns: false },
  { url: "http://0x7f000001/", dns: false },
  { url: "http://0177.0.0.1/", dns: false },
  { url: "http://0x7f.0.0.1:8080/admin", dns: false },
  { url: "http://0.0.0.0:8788/", dns: false },
  { url: "http://10.0.0.1/", dns: false },
  { url: "http://172.16.5.4/", dns: false },
  { url: "http://192.168.0.1/", dns: false },
  { url: "http://169.254.169.254/latest/meta-data/", dns: false },
  { url: "http://2852039166/latest/meta-data/", dns: false },
  { url: "http://100.100.100.200/latest/meta-data/", dns: false },
  { url: "http://224.0.0.251/", dns: false },
  { url: "http://[::1]/", dns: false },
  { url: "http://[::]/", dns: false },
  { url: "http://[::ffff:127.0.0.1]/", dns: false },
  { url: "http://[::ffff:a9fe:a9fe]/", dns: false },
  { url: "http://[0:0:0:0:0:ffff:10.0.0.1]/", dns: false },
  { url: "http://[fd00::1]/", dns: false },
  { url: "http://[fe80::1]/", dns: false },
  { url: "http://[64:ff9b::a9fe:a9fe]/", dns: false },
  { url: "http://[2002:7f00:1::]/", dns: false },
  { url: "http://localhost:8788/healthz", dns: false },
  { url: "http://foo.localhost/", dns: false },
  { url: "file:///etc/passwd", dns: false },
  { url: "ftp://example.com/x", dns: false },
  { url: "gopher://127.0.0.1:25/", dns: false },
  { url: "data:text/html,hi", dns: false },
  { url: "http://user:secret@public.example/", dns: false },
  { url: "https://token@public.example/", dns: false },
  { url: "http://metadata.example/latest/", dns: true },
  { url: "https://internal.example/", dns: true },
  { url: "https://mixed.example/", dns: true },
  { url: "https://v6-ula.example/", dns: true },
  { url: "https://v6-mapped.example/", dns: true },
  { url: "https://cgnat.example/", dns: true },
];

describe("checkUrl", () => {
  it.each(hostile)("should refuse $url before any connection", async ({ url, dns: mayAsk }) => {
    const askedBefore = dns.asked.length;
    const verdict = await checkUrl(url, policy);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.error).toMatchObject({ code: "source.blocked", retryable: false });
    if (!mayAsk) expect(dns.asked.length).toBe(askedBefore);
    expect(connectTargets).toEqual([]);
  });

  it("should accept a public host and return the addresses it checked", async () => {
    const verdict = await checkUrl("https://public.example/watch?v=1", policy);
    expect(verdict.ok && verdict.addresses.map((a) => a.address)).toEqual(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);
    expect(connectTargets).toEqual([]);
  });

  it("should report an unknown host as unreachable (retryable, naming the host), not blocked", async () => {
    const verdict = await checkUrl("https://nowhere.example/", policy);
    expect(!verdict.ok && verdict.error).toMatchObject({ code: "source.unreachable", retryable: true, message: expect.stringContaining("could not reach nowhere.example") });
  });

  it("should allow listed origins only in the exact form listed", async () => {
    const allowed = { allowedOrigins: new Set(["http://127.0.0.1:9100"]), lookup: dns.lookup };
    expect((await checkUrl("http://127.0.0.1:9100/tiktok/@a/video/1", allowed)).ok).toBe(true);
    expect((await checkUrl("http://127.0.0.1:9101/", allowed)).ok).toBe(false);
    expect((await checkUrl("https://127.0.0.1:9100/", allowed)).ok).toBe(false);
    expect((await checkUrl("http://localhost:9100/", allowed)).ok).toBe(false);
  });
});

describe("blockedAddressReason", () => {
  it.each(["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1"])("should let public %s through", (ip) => {
    expect(blockedAddressReason(ip)).toBeUndefined();
  });
});

describe("guarded fetches", () => {
  let redirector: http.Server;
  let origin = "";
  beforeAll(async () => {
    // Redirects to hostile places: the first hop is allowed (test origin), the second must be refused.
    redirector = http.createServer((req, res) => {
      const to = req.url === "/to-metadata" ? "http://169.254.169.254/latest/meta-data/" : req.url === "/to-localhost" ? "http://localhost:1/" : "/to-metadata";
      res.writeHead(302, { Location: to }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(redirector.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => redirector.close(() => resolve())));

  const ctx = () => ({
    policy: { allowedOrigins: new Set([origin]), lookup: dns.lookup },
    signal: new AbortController().signal,
    socketTimeoutMs: 2000,
  });

  it("should see sockets in the connect spy (so an empty list means none were opened)", async () => {
    const socket = net.connect({ host: "127.0.0.1", port: Number(new URL(origin).port) });
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.destroy();
    expect(connectTargets).toContain("127.0.0.1");
  });

  it.each(["/to-metadata", "/to-localhost", "/chain"])("should refuse a redirect hop %s to a blocked address", async (path) => {
    const page = await fetchPage(`${origin}${path}`, ctx());
    expect(!page.ok && page.error.code).toBe("source.blocked");
    expect(nonLoopbackConnects()).toEqual([]);
  });

  it("should refuse to download from a hostile URL", async () => {
    const got = await downloadToFile("http://[::ffff:169.254.169.254]/x.jpg", "/dev/null", { ...ctx(), maxBytes: 1000 });
    expect(!got.ok && got.error.code).toBe("source.blocked");
    expect(connectTargets).toEqual([]);
  });
});

describe("egress proxy (yt-dlp's and ffprobe's only way out)", () => {
  const proxyRequest = (proxyUrl: string, init: { method: string; path: string }) =>
    new Promise<number>((resolve, reject) => {
      const proxy = new URL(proxyUrl);
      const req = http.request({ host: proxy.hostname, port: proxy.port, method: init.method, path: init.path });
      req.on("connect", (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });

  it.each([
    { method: "GET", path: "http://169.254.169.254/latest/meta-data/" },
    { method: "GET", path: "http://metadata.example/" },
    { method: "GET", path: "http://[::ffff:7f00:1]:8788/healthz" },
    { method: "CONNECT", path: "10.0.0.1:443" },
    { method: "CONNECT", path: "internal.example:443" },
    { method: "CONNECT", path: "[fe80::1]:443" },
  ])("should answer 403 to $method $path without connecting", async (request) => {
    const proxy = await startEgressProxy(policy);
    try {
      expect(await proxyRequest(proxy.url, request)).toBe(403);
      expect(proxy.refusal()).toMatchObject({ code: "source.blocked" });
      expect(nonLoopbackConnects()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe("hostile URLs through /v1/fetch", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ lookup: dns.lookup });
  });
  afterAll(() => stack?.close());

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/",
    "http://[::ffff:10.0.0.1]/",
    "https://metadata.example/@a/video/1",
    "http://user:pw@127.0.0.1/",
    "file:///etc/passwd",
  ])("should answer source.blocked for %s without touching it", async (url) => {
    const run = await runFetch(stack, { service: "tiktok", url, select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.blocked", retryable: false });
    expect(nonLoopbackConnects()).toEqual([]);
  });

  it("should refuse a page whose media points at a blocked address, through the proxy", async () => {
    // The fixture's short-link route answers a 301 to the metadata address; yt-dlp follows it via the proxy.
    const run = await runFetch(stack, { service: "tiktok", url: `${stack.fixture.origin}/vm.tiktok/evil/`, select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.blocked", retryable: false });
    expect(nonLoopbackConnects()).toEqual([]);
  });
});
