import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../worker/db/client";
import { files } from "../../../worker/db/schema";
import { AppError } from "../../../worker/lib/errors";
import { readMultipart, type MultipartSpec, type UploadTarget } from "../../../worker/media/uploads";
import {
  generatedFile,
  JPEG_HEAD,
  MP4_HEAD,
  multipartContentType,
  multipartStream,
  TEST_BOUNDARY,
  type FormPart,
} from "../../support/multipart-body";

/** Seed 002's story upload: several files beside titles and descriptions. */
const STORY: MultipartSpec<"files", "en_title" | "ru_title" | "en_description"> = {
  files: { files: { maxCount: 3, maxBytes: 4 * 1024 * 1024, accept: ["video", "image"], required: true } },
  text: { en_title: { maxLength: 100 }, ru_title: { maxLength: 100 }, en_description: { maxLength: 1000 } },
};

const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

function collect(make: () => Iterable<Uint8Array>): Uint8Array {
  const chunks = [...make()];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

const sha256 = async (bytes: Uint8Array) => hex(await crypto.subtle.digest("SHA-256", bytes));

async function storedSha256(key: string): Promise<string> {
  const object = await env.MEDIA.get(key);
  const digest = new crypto.DigestStream("SHA-256");
  await object!.body.pipeTo(digest);
  return hex(await digest.digest);
}

/** Re-cut a stream into `size`-byte chunks, so boundaries and headers straddle chunk edges. */
function rechunk(stream: ReadableStream<Uint8Array>, size: number): ReadableStream<Uint8Array> {
  let pending = new Uint8Array(0);
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const joined = new Uint8Array(pending.byteLength + chunk.byteLength);
        joined.set(pending);
        joined.set(chunk, pending.byteLength);
        let offset = 0;
        for (; offset + size <= joined.byteLength; offset += size) controller.enqueue(joined.slice(offset, offset + size));
        pending = joined.slice(offset);
      },
      flush(controller) {
        if (pending.byteLength > 0) controller.enqueue(pending);
      },
    }),
  );
}

function uploadRequest(body: ReadableStream<Uint8Array> | string, contentType = multipartContentType()): Request {
  return new Request("http://127.0.0.1/upload", { method: "POST", headers: { "content-type": contentType }, body });
}

const formRequest = (parts: FormPart[], opts: { cutAfter?: number } = {}) => uploadRequest(multipartStream(parts, opts));

function newTarget(): UploadTarget {
  return { keyPrefix: `test-uploads/${crypto.randomUUID()}/`, retention: "keep" };
}

async function rowsUnder(prefix: string) {
  const rows = await getDb(env).select().from(files);
  return rows.filter((r) => r.r2Key.startsWith(prefix));
}

/** What this request left behind: R2 objects and `files` rows under its prefix. */
async function leftovers(target: UploadTarget) {
  const listed = await env.MEDIA.list({ prefix: target.keyPrefix });
  const rows = await rowsUnder(target.keyPrefix);
  return { objects: listed.objects.map((o) => o.key), rows: rows.map((r) => r.r2Key) };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const app = err as AppError;
  return { status: app.status, code: app.code };
}

describe("readMultipart", () => {
  it("should store several files byte for byte beside the text fields, with rows kept as the caller asked", async () => {
    const video = generatedFile(3 * 1024 * 1024 + 17, MP4_HEAD);
    const photo = generatedFile(70_001, JPEG_HEAD);
    const target = { ...newTarget(), sha256: true };
    const request = uploadRequest(
      rechunk(
        multipartStream([
          { name: "en_title", data: "My Story" },
          { name: "files", filename: "story1.mp4", contentType: "video/mp4", data: video },
          { name: "ru_title", data: "Моя История" },
          { name: "files", filename: "C:\\photos\\story2.jpg", contentType: "image/jpeg", data: photo },
          { name: "en_description", data: "line one\r\nline two" },
        ]),
        // An odd size: the boundary, the part headers and the CRLF before a boundary all land across chunks.
        4093,
      ),
    );

    const upload = await readMultipart(env, request, STORY, target);

    expect(upload.text).toEqual({ en_title: ["My Story"], ru_title: ["Моя История"], en_description: ["line one\r\nline two"] });
    expect(upload.files.map((f) => [f.field, f.filename, f.mime, f.kind])).toEqual([
      ["files", "story1.mp4", "video/mp4", "video"],
      ["files", "story2.jpg", "image/jpeg", "image"],
    ]);
    const expected = [collect(video), collect(photo)];
    for (const [i, file] of upload.files.entries()) {
      expect(file.key.startsWith(target.keyPrefix)).toBe(true);
      expect(file.size).toBe(expected[i]!.byteLength);
      const want = await sha256(expected[i]!);
      expect(await storedSha256(file.key)).toBe(want);
      expect(file.sha256).toBe(want);
    }
    const rows = await rowsUnder(target.keyPrefix);
    expect(rows.map((r) => [r.id, r.retention, r.size, r.contentType]).sort()).toEqual(
      upload.files.map((f) => [f.fileId, "keep", f.size, f.mime]).sort(),
    );
  });

  it("should refuse a file over its cap with 413 and delete the files stored before it", async () => {
    const target = newTarget();
    const spec: MultipartSpec = { files: { files: { maxCount: 2, maxBytes: 100_000, accept: ["video", "image"] } }, text: {} };
    const request = formRequest([
      { name: "files", filename: "ok.jpg", data: generatedFile(90_000, JPEG_HEAD) },
      { name: "files", filename: "big.mp4", data: generatedFile(100_001, MP4_HEAD) },
    ]);
    expect(await refusal(readMultipart(env, request, spec, target))).toEqual({ status: 413, code: expect.stringMatching(/too_large$/) });
    expect(await leftovers(target)).toEqual({ objects: [], rows: [] });
  });

  it("should refuse media the field does not take with 415 and leave nothing behind", async () => {
    const target = newTarget();
    const spec: MultipartSpec = {
      files: { video: { maxCount: 1, maxBytes: 1e6, accept: ["video"] }, preview: { maxCount: 1, maxBytes: 1e6, accept: ["image"] } },
      text: {},
    };
    const request = formRequest([
      { name: "video", filename: "v.mp4", data: generatedFile(50_000, MP4_HEAD) },
      { name: "preview", filename: "p.jpg", contentType: "image/jpeg", data: "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n" },
    ]);
    expect(await refusal(readMultipart(env, request, spec, target))).toEqual({ status: 415, code: "upload.unsupported" });
    expect(await leftovers(target)).toEqual({ objects: [], rows: [] });
  });

  it("should answer 400 and delete what was stored when the body ends in the middle of a file", async () => {
    const target = newTarget();
    const request = formRequest(
      [
        { name: "files", filename: "a.jpg", data: generatedFile(200_000, JPEG_HEAD) },
        { name: "files", filename: "b.mp4", data: generatedFile(500_000, MP4_HEAD) },
      ],
      { cutAfter: 450_000 },
    );
    expect(await refusal(readMultipart(env, request, STORY, target))).toEqual({ status: 400, code: "multipart.malformed" });
    expect(await leftovers(target)).toEqual({ objects: [], rows: [] });
  });

  it.each([
    ["no boundary", "multipart/form-data", `--${TEST_BOUNDARY}\r\n`, 400, "multipart.malformed"],
    ["another media type", "application/json", "{}", 415, "multipart.unsupported_type"],
    ["no opening boundary", multipartContentType(), "hello", 400, "multipart.malformed"],
    ["part headers that never end", multipartContentType(), `--${TEST_BOUNDARY}\r\nContent-Disposition: form-data; name="en_title"\r\n`, 400, "multipart.malformed"],
    ["no closing boundary", multipartContentType(), `--${TEST_BOUNDARY}\r\nContent-Disposition: form-data; name="en_title"\r\n\r\nabc`, 400, "multipart.malformed"],
  ])("should refuse a body with %s", async (_case, contentType, body, status, code) => {
    expect(await refusal(readMultipart(env, uploadRequest(body, contentType), STORY, newTarget()))).toEqual({ status, code });
  });

  it.each<[string, FormPart[], number, string]>([
    ["an undeclared field", [{ name: "is_admin", data: "1" }], 400, "multipart.unknown_field"],
    ["an undeclared file", [{ name: "avatar", filename: "a.jpg", data: JPEG_HEAD }], 400, "multipart.unknown_field"],
    ["text where a file belongs", [{ name: "files", data: "not a file" }], 400, "multipart.wrong_part_type"],
    ["a file where text belongs", [{ name: "en_title", filename: "t.jpg", data: JPEG_HEAD }], 400, "multipart.wrong_part_type"],
    ["a repeated single-value field", [{ name: "en_title", data: "a" }, { name: "en_title", data: "b" }], 400, "multipart.too_many_values"],
    ["too many files", [1, 2, 3, 4].map((i) => ({ name: "files", filename: `${i}.jpg`, data: JPEG_HEAD })), 400, "multipart.too_many_values"],
    ["a title of 101 characters", [{ name: "en_title", data: "ж".repeat(101) }], 422, "multipart.text_too_long"],
    ["a value past the byte cap", [{ name: "en_description", data: "x".repeat(4001) }], 422, "multipart.text_too_long"],
    ["no file at all", [{ name: "en_title", data: "title only" }], 422, "multipart.missing_field"],
  ])("should refuse %s", async (_case, parts, status, code) => {
    const target = newTarget();
    expect(await refusal(readMultipart(env, formRequest(parts), STORY, target))).toEqual({ status, code });
    expect(await leftovers(target)).toEqual({ objects: [], rows: [] });
  });

  it("should accept a title of exactly its maximum length in characters", async () => {
    const title = "ж".repeat(100);
    const upload = await readMultipart(env, formRequest([{ name: "files", filename: "a.jpg", data: JPEG_HEAD }, { name: "en_title", data: title }]), STORY, newTarget());
    expect(upload.text.en_title).toEqual([title]);
  });

  it("should stop at the part limit without reading further parts", async () => {
    const target = newTarget();
    const spec = { ...STORY, maxParts: 2 };
    const parts: FormPart[] = [
      { name: "files", filename: "a.jpg", data: JPEG_HEAD },
      { name: "en_title", data: "t" },
      { name: "ru_title", data: "t" },
    ];
    expect(await refusal(readMultipart(env, formRequest(parts), spec, target))).toEqual({ status: 400, code: "multipart.too_many_parts" });
    expect(await leftovers(target)).toEqual({ objects: [], rows: [] });
  });
});
