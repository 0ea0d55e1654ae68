/**
 * File extensions, MIME types and magic bytes of the outputs the transcoder produces. Image types are
 * decided by the bytes, not by what the server claimed: an output's name and type must match its content.
 */
import { open } from "node:fs/promises";

export const CONTENT_TYPE_BY_EXT: Readonly<Record<string, string>> = {
  mp4: "video/mp4",
  m4a: "audio/mp4",
  mp3: "audio/mpeg",
  webm: "video/webm",
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  avif: "image/avif",
  zip: "application/zip",
};

export const contentTypeFor = (ext: string): string => CONTENT_TYPE_BY_EXT[ext] ?? "application/octet-stream";

/** The image extension the first bytes of a file announce, or undefined when it is not an image we keep. */
export const sniffImageExt = (head: Buffer): string | undefined => {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpg";
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (head.length >= 12 && head.toString("latin1", 0, 4) === "RIFF" && head.toString("latin1", 8, 12) === "WEBP") return "webp";
  if (head.length >= 6 && /^GIF8[79]a$/.test(head.toString("latin1", 0, 6))) return "gif";
  if (head.length >= 12 && head.toString("latin1", 4, 8) === "ftyp") {
    const brand = head.toString("latin1", 8, 12);
    if (brand === "avif" || brand === "avis") return "avif";
    if (["heic", "heix", "mif1", "msf1"].includes(brand)) return "heic";
  }
  return undefined;
};

export const readHead = async (file: string, bytes = 32): Promise<Buffer> => {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
};
