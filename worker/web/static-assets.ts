/**
 * What the Worker hands to Workers Static Assets (the ASSETS binding, wrangler.toml [assets]): the web app
 * under /app/ and the Swagger UI / ReDoc files under /docs-assets/. wrangler.toml runs the Worker first on
 * every request, so these two prefixes are the only paths a file can ever answer.
 */
/** The web app's URL space. `/` is left to the API faces (their 404), as before the app existed. */
export const APP_PREFIX = "/app/";
/** Swagger UI and ReDoc, copied from their npm packages at build (scripts/build-web.mjs). */
export const DOCS_ASSETS_PREFIX = "/docs-assets/";

/**
 * A page load of an app path the build has no file for (`/app/account` after a reload) gets the app's
 * index.html, whose router then shows the page; a script or image that is missing stays a 404.
 */
function isNavigation(req: Request): boolean {
  const mode = req.headers.get("Sec-Fetch-Mode");
  if (mode) return mode === "navigate";
  return (req.headers.get("Accept") ?? "").includes("text/html");
}

/** A file from ASSETS, or undefined when there is none (the caller answers its own 404). */
export async function serveAsset(env: Env, req: Request): Promise<Response | undefined> {
  const res = await env.ASSETS.fetch(req);
  return res.status === 404 ? undefined : res;
}

/**
 * The app's pages may run only the app's own scripts and talk only to this origin: an injected script
 * (an XSS through any text the app shows) cannot load code from elsewhere or send what it reads away.
 * `blob:` serves media and workers the pages build themselves (hls.js's transmuxing worker, downloads);
 * styles allow inline attributes, which the components set; framing by other sites is refused.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The shell (index.html) with the app's security headers; other files as ASSETS answers them. */
function withPageHeaders(res: Response): Response {
  if (!(res.headers.get("Content-Type") ?? "").startsWith("text/html")) return res;
  const out = new Response(res.body, res);
  out.headers.set("Content-Security-Policy", APP_CONTENT_SECURITY_POLICY);
  out.headers.set("Referrer-Policy", "no-referrer");
  out.headers.set("X-Content-Type-Options", "nosniff");
  return out;
}

/** An app path: its file, else the app's shell for a browser navigation, else undefined. */
export async function serveAppPath(env: Env, req: Request): Promise<Response | undefined> {
  const file = await serveAsset(env, req);
  if (file || !isNavigation(req)) return file && withPageHeaders(file);
  const shell = await env.ASSETS.fetch(new Request(new URL(APP_PREFIX, req.url), { headers: req.headers }));
  return shell.status === 404 ? undefined : withPageHeaders(shell);
}
