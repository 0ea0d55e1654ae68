/**
 * `multipart/form-data` request bodies generated on the fly (web streams only, so workerd tests and Node
 * e2e tests share it): file contents come from iterables, so a 1 GiB part never exists in memory.
 */

export interface FormPart {
  name: string;
  /** Present for file parts. */
  filename?: string;
  contentType?: string;
  /** Text, bytes, or chunks produced as the body is read. */
  data: string | Uint8Array | (() => Iterable<Uint8Array>);
}

export const TEST_BOUNDARY = "----media-platform-test-7d3f9a";

const enc = new TextEncoder();

function partHeader(part: FormPart, boundary: string): string {
  const filename = part.filename === undefined ? "" : `; filename="${part.filename}"`;
  const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : "";
  return `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`;
}

function* chunksOf(parts: FormPart[], boundary: string): Generator<Uint8Array> {
  for (const part of parts) {
    yield enc.encode(partHeader(part, boundary));
    if (typeof part.data === "string") yield enc.encode(part.data);
    else if (part.data instanceof Uint8Array) yield part.data;
    else yield* part.data();
    yield enc.encode("\r\n");
  }
  yield enc.encode(`--${boundary}--\r\n`);
}

/**
 * The encoded form as a stream of chunks no larger than the parts' own chunks. `cutAfter` ends the stream
 * after that many bytes (a client that disconnects mid-upload).
 */
export function multipartStream(parts: FormPart[], opts: { boundary?: string; cutAfter?: number } = {}): ReadableStream<Uint8Array> {
  const chunks = chunksOf(parts, opts.boundary ?? TEST_BOUNDARY);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) return controller.close();
      let chunk = next.value;
      if (opts.cutAfter !== undefined && sent + chunk.byteLength >= opts.cutAfter) {
        chunk = chunk.subarray(0, opts.cutAfter - sent);
        if (chunk.byteLength > 0) controller.enqueue(chunk);
        return controller.close();
      }
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

export const multipartContentType = (boundary = TEST_BOUNDARY) => `multipart/form-data; boundary=${boundary}`;

/** The head of an mp4 (`ftyp` box, isom brand): enough for the upload guard's magic-byte check. */
export const MP4_HEAD = Uint8Array.from([0, 0, 0, 0x20, ...enc.encode("ftypisom"), 0, 0, 2, 0, ...enc.encode("isomiso2avc1mp41")]);
export const JPEG_HEAD = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...enc.encode("JFIF"), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

/**
 * `size` bytes: `head`, then a repeating 64 KiB block whose byte i is i mod 251 (each byte one more than
 * the last, so never the CR LF that opens a boundary). `onChunk` sees every chunk as it is produced.
 */
export function generatedFile(size: number, head: Uint8Array, onChunk?: (chunk: Uint8Array) => void): () => Iterable<Uint8Array> {
  const block = new Uint8Array(64 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = i % 251;
  return function* () {
    let left = size;
    const first = head.subarray(0, Math.min(head.byteLength, left));
    onChunk?.(first);
    yield first;
    left -= first.byteLength;
    while (left > 0) {
      const chunk = block.subarray(0, Math.min(block.byteLength, left));
      onChunk?.(chunk);
      yield chunk;
      left -= chunk.byteLength;
    }
  };
}
