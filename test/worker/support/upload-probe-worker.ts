/**
 * Test-only Worker entry: the real Worker (every handler and Durable Object class) plus `POST
 * /__test/upload`, which streams one multipart file into R2 through `readMultipart` and reports what R2
 * holds. No API face has an upload route yet; this lets the e2e test (`test/e2e/upload-memory.e2e.test.ts`,
 * which runs it with `wrangler dev`) measure the real path in workerd. It lives under test/worker/ so it is
 * type-checked with the Workers types.
 */
import worker from "../../../worker/index";
import { AppError } from "../../../worker/lib/errors";
import { readMultipart, type MultipartSpec } from "../../../worker/media/uploads";

export * from "../../../worker/index";

// Not exported: every named export of a Worker entry must be a handler or a class.
const PROBE_PATH = "/__test/upload";

const PROBE_SPEC: MultipartSpec<"file", "title"> = {
  files: { file: { maxCount: 1, maxBytes: 2 * 1024 ** 3, accept: ["video"], required: true } },
  text: { title: { maxLength: 100 } },
};

async function probe(request: Request, env: Env): Promise<Response> {
  try {
    const upload = await readMultipart(env, request, PROBE_SPEC, { keyPrefix: "test-probe/", retention: "keep", sha256: true });
    const file = upload.files[0]!;
    const stored = await env.MEDIA.head(file.key);
    return Response.json({ title: upload.text.title, size: file.size, storedSize: stored?.size ?? null, sha256: file.sha256, key: file.key });
  } catch (err) {
    if (err instanceof AppError) return Response.json({ code: err.code, message: err.message }, { status: err.status });
    throw err;
  }
}

export default {
  ...worker,
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (request.method === "POST" && new URL(request.url).pathname === PROBE_PATH) return probe(request, env);
    return worker.fetch(request, env, ctx);
  },
};
