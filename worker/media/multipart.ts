/**
 * `multipart/form-data` as a stream of parts, each file part's body a web stream read while the request
 * body arrives: nothing here holds more than a chunk of a file (a Worker has 128 MB, uploads go to 1 GB).
 *
 * The parsing is @fastify/busboy's (a maintained streaming parser with back-pressure: it stops taking
 * request bytes until the current file's reader asks for more). @remix-run/multipart-parser 0.16 was the
 * first candidate, but it collects each part's content in memory before yielding the part.
 */
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Readable } from "node:stream";
import { AppError } from "../lib/errors";

export interface MultipartFilePart {
  type: "file";
  name: string;
  /** The client's file name, path stripped; undefined when the part had none. */
  filename: string | undefined;
  /**
   * The part's declared Content-Type. busboy reports a part that declared none as `text/plain` (RFC 7578's
   * default), which no media upload really is, so that value comes through as undeclared.
   */
  contentType: string | undefined;
  /** Read it to its end (or cancel it) before asking for the next part: the parser waits on this reader. */
  body: ReadableStream<Uint8Array>;
}

export interface MultipartTextPart {
  type: "text";
  name: string;
  value: string;
}

export type MultipartPart = MultipartFilePart | MultipartTextPart;

export interface MultipartLimits {
  /** Parts of any kind in one message. */
  maxParts: number;
  /** Bytes of one text field's value (its UTF-8 encoding). */
  maxTextBytes: number;
  /** Bytes of one part's header block; the parser keeps no more than this of it. */
  maxHeaderBytes: number;
}

const malformed = (detail: string) => new AppError(400, `malformed multipart body: ${detail}`, "multipart.malformed");

/** A busboy file stream as a web stream that pulls one chunk at a time (the parser waits in between). */
function webStream(file: Readable, onCancel: () => void): ReadableStream<Uint8Array> {
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        } catch (err) {
          // The only error a file stream carries is the body ending inside the part.
          controller.error(malformed(err instanceof Error ? err.message : String(err)));
        }
      },
      cancel() {
        onCancel();
        file.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The parts of a `multipart/form-data` request in order. Text parts come whole (capped by
 * `maxTextBytes`); file parts come as streams. A file body left unread when the next part is requested is
 * drained; a cancelled one ends the message (the rest is not parsed). Errors are AppErrors: 415 for
 * another content type, 400 `multipart.malformed` (no boundary, a body that ends mid-message),
 * `multipart.too_many_parts`, `multipart.text_too_long`.
 */
export async function* multipartParts(request: Request, limits: MultipartLimits): AsyncGenerator<MultipartPart, void, undefined> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw new AppError(415, "the request body must be multipart/form-data", "multipart.unsupported_type");
  }
  if (!request.body) throw malformed("the body is empty");

  let parser: BusboyInstance;
  try {
    parser = new Busboy({
      headers: { "content-type": contentType },
      limits: {
        parts: limits.maxParts,
        // busboy cuts a value once it passes this (a value of exactly this size is whole) and says so.
        fieldSize: limits.maxTextBytes,
        headerSize: limits.maxHeaderBytes,
      },
    });
  } catch (err) {
    throw malformed(err instanceof Error ? err.message : "unreadable Content-Type");
  }

  const ready: MultipartPart[] = [];
  let failure: unknown;
  let finished = false;
  let abandoned = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (err: unknown) => {
    failure ??= err;
    notify();
  };

  parser.on("file", (name, file, filename, _encoding, mimeType) => {
    // A file's own error (the body ended inside it) reaches its reader through the stream.
    file.on("error", () => undefined);
    const contentType = mimeType === "text/plain" ? undefined : mimeType;
    ready.push({ type: "file", name, filename: filename || undefined, contentType, body: webStream(file, () => (abandoned = true)) });
    notify();
  });
  parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) fail(new AppError(422, `the field ${name} exceeds ${limits.maxTextBytes} bytes`, "multipart.text_too_long"));
    ready.push({ type: "text", name, value });
    notify();
  });
  parser.on("partsLimit", () => fail(new AppError(400, `more than ${limits.maxParts} parts`, "multipart.too_many_parts")));
  parser.on("error", (err: unknown) => fail(malformed(err instanceof Error ? err.message : String(err))));
  parser.on("finish", () => {
    finished = true;
    notify();
  });

  const body = request.body.getReader();
  const pump = async () => {
    for (;;) {
      const { done, value } = await body.read();
      if (done) break;
      if (abandoned || failure) return;
      // The callback fires once busboy has passed the chunk on, which waits for the current file's reader:
      // that wait is what keeps the request body from piling up in memory.
      await new Promise<void>((resolve, reject) => parser.write(value, (err) => (err ? reject(err) : resolve())));
    }
    parser.end();
  };
  pump().catch((err: unknown) => fail(malformed(err instanceof Error ? err.message : String(err))));

  try {
    for (;;) {
      if (failure) throw failure;
      if (abandoned) return;
      const part = ready.shift();
      if (part) {
        yield part;
        // The parser cannot reach the next part until this file's bytes are consumed.
        if (part.type === "file" && !part.body.locked) await part.body.pipeTo(new WritableStream()).catch(() => undefined);
        continue;
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    abandoned = true;
    if (!finished) {
      await body.cancel().catch(() => undefined);
      parser.destroy();
    }
  }
}
