/**
 * The Worker decides what static assets may answer (wrangler.toml runs it first on every request): only
 * /app/… and /docs-assets/…. Here ASSETS is a stand-in that would answer any path with 200, the worst case
 * a stray file could make, and records what it was asked; API paths, known or not, must never reach it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app";

/** An ASSETS binding holding `files` (path → body), recording every path it is asked for. */
function assetsHolding(files: Record<string, string>) {
  const asked: string[] = [];
  const binding = {
    fetch: async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      asked.push(path);
      const body = files[path];
      // As Workers Static Assets types them: by the file's extension, index.html for a directory.
      const type = path.endsWith("/") || path.endsWith(".html") ? "text/html; charset=utf-8" : "text/javascript";
      return body === undefined ? new Response("no such file", { status: 404 }) : new Response(body, { status: 200, headers: { "Content-Type": type } });
    },
  } as unknown as Fetcher;
  return { binding, asked };
}

const anyPath = () => {
  const asked: string[] = [];
  const binding = {
    fetch: async (input: RequestInfo | URL) => {
      asked.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return new Response("a file", { status: 200 });
    },
  } as unknown as Fetcher;
  return { binding, asked };
};

async function request(assets: Fetcher, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`http://127.0.0.1${path}`, init), { ...env, ASSETS: assets }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("static assets never answer API paths", () => {
  it.each([
    ["GET", "/api/ping"],
    ["GET", "/"],
    ["GET", "/api/nope"],
    ["GET", "/api/v1/nope"],
    ["GET", "/download"],
    ["GET", "/stream/nothing.mp4"],
    ["GET", "/application"],
    ["GET", "/docs-assetsx/a.js"],
    ["POST", "/app/account"],
  ])("%s %s is the face's own answer and never asks ASSETS", async (method, path) => {
    const assets = anyPath();
    const res = await request(assets.binding, path, { method, headers: { Accept: "text/html" } });
    expect(assets.asked).toEqual([]);
    expect(await res.text()).not.toBe("a file");
  });

  it("answers an unknown API path in its face's 404 shape, with or without a static file at that path", async () => {
    for (const path of ["/api/nope", "/api/v1/nope"]) {
      const empty = await request(assetsHolding({}).binding, path);
      const shadowing = await request(assetsHolding({ [path]: "shadow" }).binding, path);
      expect(shadowing.status).toBe(404);
      expect(await shadowing.json()).toEqual(await empty.json());
    }
  });
});

describe("the web app and the docs' files", () => {
  const files = { "/app/": "<!doctype html><title>app</title>", "/app/assets/index.js": "js", "/docs-assets/redoc/redoc.standalone.js": "redoc" };

  it("serves files under /app/ and /docs-assets/ from ASSETS", async () => {
    const assets = assetsHolding(files);
    expect(await (await request(assets.binding, "/app/assets/index.js")).text()).toBe("js");
    expect(await (await request(assets.binding, "/docs-assets/redoc/redoc.standalone.js")).text()).toBe("redoc");
  });

  it("answers a browser navigation of an app path with the app's shell, so deep links and reloads work", async () => {
    const res = await request(assetsHolding(files).binding, "/app/account", { headers: { "Sec-Fetch-Mode": "navigate", Accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>app</title>");
  });

  it("gives the app's pages a policy that runs only the app's own scripts and talks only to this origin", async () => {
    const page = await request(assetsHolding(files).binding, "/app/account", { headers: { "Sec-Fetch-Mode": "navigate", Accept: "text/html" } });
    const policy = Object.fromEntries(
      (page.headers.get("Content-Security-Policy") ?? "").split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(" ")];
      }),
    );
    expect(policy).toMatchObject({ "default-src": "'self'", "script-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "frame-ancestors": "'none'" });
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    const shell = await request(assetsHolding(files).binding, "/app/");
    expect(shell.headers.get("Content-Security-Policy")).toBe(page.headers.get("Content-Security-Policy"));
  });

  it("answers a missing script 404 in JSON, not the shell", async () => {
    const res = await request(assetsHolding(files).binding, "/app/assets/missing.js", { headers: { "Sec-Fetch-Mode": "no-cors", Accept: "*/*" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "Not Found" });
  });

  it("answers a missing docs file 404 even for a navigation", async () => {
    const res = await request(assetsHolding(files).binding, "/docs-assets/nothing.js", { headers: { "Sec-Fetch-Mode": "navigate" } });
    expect(res.status).toBe(404);
  });

  it("redirects /app to /app/", async () => {
    const res = await request(assetsHolding(files).binding, "/app");
    expect(res.status).toBe(308);
    expect(res.headers.get("Location")).toMatch(/\/app\/$/);
  });
});
