import { describe, expect, it } from "vitest";
import { AppError } from "../../../worker/lib/errors";
import { multipartParts, type MultipartLimits, type MultipartPart } from "../../../worker/media/multipart";
import { generatedFile, MP4_HEAD, multipartContentType, multipartStream, type FormPart } from "../../support/multipart-body";

const LIMITS: MultipartLimits = { maxParts: 10, maxTextBytes: 16, maxHeaderBytes: 8192 };
const MiB = 1024 * 1024;

/** A request over a generated form, counting how many body bytes the parser has pulled so far. */
function countedRequest(parts: FormPart[]) {
  const counter = { pulled: 0 };
  const body = multipartStream(parts).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        counter.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
    // No read-ahead here: every byte counted was asked for by the parser.
  );
  const request = new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": multipartContentType() }, body });
  return { request, counter };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function texts(parts: AsyncIterable<MultipartPart>) {
  const out: [string, string][] = [];
  for await (const part of parts) if (part.type === "text") out.push([part.name, part.value]);
  return out;
}

describe("multipartParts", () => {
  it("should not read ahead of a file body that nobody reads yet", async () => {
    const { request, counter } = countedRequest([{ name: "file", filename: "big.mp4", data: generatedFile(16 * MiB, MP4_HEAD) }]);
    const parts = multipartParts(request, LIMITS);
    const first = await parts.next();
    await settle();
    expect(first.value?.type).toBe("file");
    // A parser that buffered parts would have pulled all 16 MiB before yielding one.
    expect(counter.pulled).toBeLessThan(1 * MiB);

    const body = (first.value as Extract<MultipartPart, { type: "file" }>).body;
    const size = (await new Response(body).arrayBuffer()).byteLength;
    expect(size).toBe(16 * MiB);
    expect((await parts.next()).done).toBe(true);
  });

  it("should drain a file body the caller skipped and go on to the next part", async () => {
    const { request } = countedRequest([
      { name: "file", filename: "a.mp4", data: generatedFile(3 * MiB, MP4_HEAD) },
      { name: "title", data: "after the file" },
    ]);
    expect(await texts(multipartParts(request, LIMITS))).toEqual([["title", "after the file"]]);
  });

  it("should stop reading the request once a file body is cancelled", async () => {
    const { request, counter } = countedRequest([
      { name: "file", filename: "a.mp4", data: generatedFile(16 * MiB, MP4_HEAD) },
      { name: "title", data: "never reached" },
    ]);
    const seen: string[] = [];
    for await (const part of multipartParts(request, LIMITS)) {
      seen.push(part.name);
      if (part.type === "file") await part.body.cancel();
    }
    expect(seen).toEqual(["file"]);
    expect(counter.pulled).toBeLessThan(1 * MiB);
  });

  it("should take a text value of exactly the byte cap and refuse one byte more", async () => {
    const { request } = countedRequest([{ name: "t", data: "é".repeat(8) }]);
    expect(await texts(multipartParts(request, LIMITS))).toEqual([["t", "é".repeat(8)]]);

    const over = countedRequest([{ name: "t", data: `${"é".repeat(8)}x` }]);
    const err = await texts(multipartParts(over.request, LIMITS)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("multipart.text_too_long");
  });
});
