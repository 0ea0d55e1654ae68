/**
 * Test-only Worker entry: the real Worker (every handler and Durable Object class) plus `POST
 * /__test/upload`, which streams one multipart file into R2 through `readMultipart` and reports what R2
 * holds, `PUT /__test/raw` (the same bytes into R2 through the store alone, for a side-by-side floor) and
 * `GET /__test/digest?key=` (SHA-256 of a stored object). No API face has an upload route yet; this lets the e2e test (`test/e2e/upload-memory.e2e.test.ts`,
 * which runs it with `wrangler dev`) measure the real path in workerd. It lives under test/worker/ so it is
 * type-checked with the Workers types.
 */
import worker from "../../../worker/index";
import { AppError } from "../../../worker/lib/errors";
import { putStream } from "../../../worker/media/store";
import { readMultipart, type MultipartSpec } from "../../../worker/media/uploads";

export * from "../../../worker/index";

// Not exported: every named export of a Worker entry must be a handler or a class.
const PROBE_PATH = "/__test/upload";
/** The same bytes written to R2 by the store alone (no multipart, no guard): the local R2 simulator's own cost. */
const RAW_PATH = "/__test/raw";
/** SHA-256 of a stored object, read back after the measured upload. */
const DIGEST_PATH = "/__test/digest";

const PROBE_SPEC: MultipartSpec<"file", "title"> = {
  files: { file: { maxCount: 1, maxBytes: 2 * 1024 ** 3, accept: ["video"], required: true } },
  text: { title: { maxLength: 100 } },
};

async function probe(request: Request, env: Env): Promise<Response> {
  try {
    const upload = await readMultipart(env, request, PROBE_SPEC, { keyPrefix: "test-probe/", retention: "keep" });
    const file = upload.files[0]!;
    const stored = await env.MEDIA.head(file.key);
    return Response.json({ title: upload.text.title, size: file.size, storedSize: stored?.size ?? null, key: file.key });
  } catch (err) {
    if (err instanceof AppError) return Response.json({ code: err.code, message: err.message }, { status: err.status });
    throw err;
  }
}

async function raw(request: Request, env: Env): Promise<Response> {
  const key = `test-raw/${crypto.randomUUID()}`;
  const put = await putStream(env.MEDIA, key, request.body!, { contentType: "application/octet-stream", maxBytes: 2 * 1024 ** 3 });
  return Response.json({ size: put.size, key });
}

async function digest(url: URL, env: Env): Promise<Response> {
  const object = await env.MEDIA.get(url.searchParams.get("key") ?? "");
  if (!object) return Response.json({ message: "no such object" }, { status: 404 });
  const hashing = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(hashing);
  const hex = Array.from(new Uint8Array(await hashing.digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return Response.json({ sha256: hex, size: object.size });
}

export default {
  ...worker,
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === PROBE_PATH) return probe(request, env);
    if (request.method === "PUT" && url.pathname === RAW_PATH) return raw(request, env);
    if (request.method === "GET" && url.pathname === DIGEST_PATH) return digest(url, env);
    return worker.fetch(request, env, ctx);
  },
};
