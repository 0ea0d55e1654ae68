/**
 * A `multipart/form-data` request body (RFC 7578) of text fields and one file, streamed: the file's bytes go
 * from its source stream to the request as they are read, never held whole (a Worker has 128 MB). The total
 * length is known up front, so the body is a FixedLengthStream and the request carries a Content-Length
 * instead of chunked encoding.
 */

const encoder = new TextEncoder();

export interface MultipartTextField {
  name: string;
  value: string;
}

export interface MultipartFileField {
  name: string;
  filename: string;
  contentType: string;
  /** Exact byte length of `body`. */
  size: number;
  body: ReadableStream<Uint8Array>;
}

export interface StreamedMultipart {
  /** The request's Content-Type, with the boundary. */
  contentType: string;
  /** Bytes of the whole body (fields, file and delimiters). */
  length: number;
  body: ReadableStream<Uint8Array>;
  /**
   * Settles when the file has been copied into the body: undefined, or the error that stopped the copy
   * (a BodyLengthError when the source did not hold `size` bytes).
   */
  copied: Promise<unknown>;
  /** Stops copying (the server answered early, or the caller gave up); cancels the source. */
  stop(reason?: unknown): void;
}

/** The file's source held more or fewer bytes than its declared size. */
export class BodyLengthError extends RangeError {
  constructor(readonly declared: number, readonly actual: number) {
    super(`the file stream held ${actual > declared ? "more than" : actual} bytes, not the declared ${declared}`);
    this.name = "BodyLengthError";
  }
}

/** Quoted-string escaping of names in Content-Disposition, as browsers do it (WHATWG HTML, form submission). */
const quoted = (text: string) => `"${text.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22")}"`;

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `----MediaPlatform${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function streamedMultipart(fields: readonly MultipartTextField[], file: MultipartFileField, boundary = randomBoundary()): StreamedMultipart {
  if (!Number.isSafeInteger(file.size) || file.size < 0) throw new RangeError("file size must be a whole number of bytes");
  let head = "";
  for (const field of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(field.name)}\r\n\r\n${field.value}\r\n`;
  }
  head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.name)}; filename=${quoted(file.filename)}\r\n`;
  head += `Content-Type: ${file.contentType.replace(/[\r\n]/g, "")}\r\n\r\n`;
  const preamble = encoder.encode(head);
  const epilogue = encoder.encode(`\r\n--${boundary}--\r\n`);
  const length = preamble.byteLength + file.size + epilogue.byteLength;
  const fixed = new FixedLengthStream(length);
  const stopper = new AbortController();

  const copied = (async () => {
    const writer = fixed.writable.getWriter();
    const reader = file.body.getReader();
    const onStop = () => {
      reader.cancel(stopper.signal.reason).catch(() => undefined);
      writer.abort(stopper.signal.reason).catch(() => undefined);
    };
    stopper.signal.addEventListener("abort", onStop, { once: true });
    try {
      await writer.write(preamble);
      let sent = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        sent += value.byteLength;
        // Checked here rather than left to FixedLengthStream, so the caller learns the source was at fault.
        if (sent > file.size) throw new BodyLengthError(file.size, sent);
        await writer.write(value);
      }
      if (sent !== file.size) throw new BodyLengthError(file.size, sent);
      await writer.write(epilogue);
      await writer.close();
      return undefined;
    } catch (error) {
      reader.cancel(error).catch(() => undefined);
      writer.abort(error).catch(() => undefined);
      return stopper.signal.aborted ? stopper.signal.reason : error;
    } finally {
      stopper.signal.removeEventListener("abort", onStop);
    }
  })();

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    body: fixed.readable,
    copied,
    stop: (reason?: unknown) => stopper.abort(reason ?? new Error("stopped")),
  };
}
