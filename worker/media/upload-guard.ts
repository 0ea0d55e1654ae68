/**
 * The shared guard for uploaded media (used by every face that accepts files): a size cap enforced while
 * streaming, and a magic-byte check that the bytes are the container the client declared. A text file
 * that calls itself video/mp4 (an HLS or ffconcat playlist, the classic way to make ffmpeg read local
 * files or the network) is refused before anything is stored or probed. The transcoder adds the second
 * layer: ffprobe/ffmpeg run with protocol and format whitelists.
 */
import { AppError } from "../lib/errors";

export type MediaKind = "video" | "image" | "audio";

export interface SniffedMedia {
  mime: string;
  kind: MediaKind;
}

const ascii = (bytes: Uint8Array, start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));
const startsWith = (bytes: Uint8Array, sig: number[], offset = 0) => sig.every((b, i) => bytes[offset + i] === b);

/** ISO-BMFF brands (the 4 bytes after `ftyp`) that are video or images. */
const FTYP_BRANDS: Record<string, SniffedMedia> = {
  isom: { mime: "video/mp4", kind: "video" },
  iso2: { mime: "video/mp4", kind: "video" },
  iso4: { mime: "video/mp4", kind: "video" },
  iso5: { mime: "video/mp4", kind: "video" },
  iso6: { mime: "video/mp4", kind: "video" },
  mp41: { mime: "video/mp4", kind: "video" },
  mp42: { mime: "video/mp4", kind: "video" },
  avc1: { mime: "video/mp4", kind: "video" },
  dash: { mime: "video/mp4", kind: "video" },
  "M4V ": { mime: "video/mp4", kind: "video" },
  M4VP: { mime: "video/mp4", kind: "video" },
  "M4A ": { mime: "audio/mp4", kind: "audio" },
  "qt  ": { mime: "video/quicktime", kind: "video" },
  "3gp4": { mime: "video/3gpp", kind: "video" },
  "3gp5": { mime: "video/3gpp", kind: "video" },
  "3gp6": { mime: "video/3gpp", kind: "video" },
  heic: { mime: "image/heic", kind: "image" },
  heix: { mime: "image/heic", kind: "image" },
  mif1: { mime: "image/heif", kind: "image" },
  avif: { mime: "image/avif", kind: "image" },
};

/** What the first bytes of a file say it is; undefined for anything that is not a known media container. */
export function sniffMedia(head: Uint8Array): SniffedMedia | undefined {
  if (head.byteLength >= 12 && ascii(head, 4, 4) === "ftyp") return FTYP_BRANDS[ascii(head, 8, 4)];
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { mime: "video/webm", kind: "video" };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { mime: "image/jpeg", kind: "image" };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: "image/png", kind: "image" };
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return { mime: "image/gif", kind: "image" };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") return { mime: "image/webp", kind: "image" };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "AVI ") return { mime: "video/x-msvideo", kind: "video" };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WAVE") return { mime: "audio/wav", kind: "audio" };
  if (ascii(head, 0, 3) === "ID3" || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return { mime: "audio/mpeg", kind: "audio" };
  if (ascii(head, 0, 4) === "OggS") return { mime: "audio/ogg", kind: "audio" };
  return undefined;
}

/** Declared types that count as the same container as a sniffed one. */
const EQUIVALENT: Record<string, string[]> = {
  "video/mp4": ["video/mp4", "video/quicktime", "video/3gpp", "audio/mp4"],
  "video/quicktime": ["video/quicktime", "video/mp4"],
  "video/webm": ["video/webm", "video/x-matroska"],
  "image/jpeg": ["image/jpeg", "image/jpg", "image/pjpeg"],
  "audio/mpeg": ["audio/mpeg", "audio/mp3"],
};

export interface GuardOptions {
  /** The client's Content-Type for the part; `application/octet-stream` or missing means "sniff it". */
  declaredType: string | undefined;
  maxBytes: number;
  /** Kinds this endpoint takes (a photo upload takes images only). */
  accept: readonly MediaKind[];
}

export interface GuardedUpload {
  media: SniffedMedia;
  /** The same bytes, head included, size-capped while streaming. */
  stream: ReadableStream<Uint8Array>;
}

const HEAD_BYTES = 32;

/**
 * Check an upload stream without buffering it: read just enough for the signature, then hand back a
 * stream that replays those bytes followed by the rest, failing once more than maxBytes pass.
 */
export async function guardUpload(body: ReadableStream<Uint8Array>, opts: GuardOptions): Promise<GuardedUpload> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  while (have < HEAD_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    have += value.byteLength;
  }
  const head = new Uint8Array(have);
  let offset = 0;
  for (const c of chunks) {
    head.set(c, offset);
    offset += c.byteLength;
  }
  if (have === 0) throw new AppError(400, "the uploaded file is empty", "upload.empty");
  const media = sniffMedia(head);
  if (!media || !opts.accept.includes(media.kind)) {
    await reader.cancel();
    throw new AppError(415, `the uploaded file is not a supported ${opts.accept.join(" or ")} format`, "upload.unsupported");
  }
  const declared = (opts.declaredType ?? "").split(";")[0]!.trim().toLowerCase();
  if (declared && declared !== "application/octet-stream") {
    const ok = (EQUIVALENT[media.mime] ?? [media.mime]).includes(declared) || (EQUIVALENT[declared] ?? []).includes(media.mime);
    if (!ok) {
      await reader.cancel();
      throw new AppError(415, `the file's content (${media.mime}) does not match its declared type (${declared})`, "upload.type_mismatch");
    }
  }

  let seen = head.byteLength;
  if (seen > opts.maxBytes) {
    await reader.cancel();
    throw new AppError(413, `the uploaded file exceeds ${opts.maxBytes} bytes`, "upload.too_large");
  }
  let replayed = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!replayed) {
        replayed = true;
        controller.enqueue(head);
        return;
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > opts.maxBytes) {
        controller.error(new AppError(413, `the uploaded file exceeds ${opts.maxBytes} bytes`, "upload.too_large"));
        await reader.cancel();
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { media, stream };
}
