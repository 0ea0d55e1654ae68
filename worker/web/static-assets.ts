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

/** An app path: its file, else the app's shell for a browser navigation, else undefined. */
export async function serveAppPath(env: Env, req: Request): Promise<Response | undefined> {
  const file = await serveAsset(env, req);
  if (file || !isNavigation(req)) return file;
  const shell = await env.ASSETS.fetch(new Request(new URL(APP_PREFIX, req.url), { headers: req.headers }));
  return shell.status === 404 ? undefined : shell;
}
