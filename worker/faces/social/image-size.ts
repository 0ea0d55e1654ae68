/**
 * Image dimensions from the header bytes alone (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X, GIF logical
 * screen), so a photo is measured in the Worker without decoding it or sending it to the transcoder.
 */

export type ImageFormat = "png" | "jpeg" | "webp" | "gif";

export type ImageSizeResult =
  | { ok: true; format: ImageFormat; width: number; height: number }
  /** The header continues past the bytes given (a JPEG with large metadata segments): read this many. */
  | { ok: false; needBytes: number }
  | { ok: false; needBytes?: undefined; reason: string };

const broken = (reason: string): ImageSizeResult => ({ ok: false, reason });

const ascii = (b: Uint8Array, start: number, length: number) => String.fromCharCode(...b.subarray(start, start + length));
const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const le16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const le24 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const be32 = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;

function sized(format: ImageFormat, width: number, height: number): ImageSizeResult {
  if (width < 1 || height < 1) return broken(`the ${format.toUpperCase()} header gives an empty size (${width}x${height})`);
  return { ok: true, format, width, height };
}

function png(b: Uint8Array): ImageSizeResult {
  // The signature, then the IHDR chunk must come first: length, type, width, height (big-endian).
  if (b.length < 24) return broken("the PNG header is truncated");
  if (ascii(b, 12, 4) !== "IHDR") return broken("the PNG does not start with an IHDR chunk");
  return sized("png", be32(b, 16), be32(b, 20));
}

function gif(b: Uint8Array): ImageSizeResult {
  if (b.length < 10) return broken("the GIF header is truncated");
  return sized("gif", le16(b, 6), le16(b, 8));
}

function webp(b: Uint8Array): ImageSizeResult {
  if (b.length < 30) return broken("the WebP header is truncated");
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 ") {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return broken("the WebP (VP8) frame has no start code");
    return sized("webp", le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
  }
  if (chunk === "VP8L") {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (b[20] !== 0x2f) return broken("the WebP (VP8L) bitstream has no signature");
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X") return sized("webp", le24(b, 24) + 1, le24(b, 27) + 1);
  return broken(`unknown WebP chunk ${JSON.stringify(chunk)}`);
}

/** Start-of-frame markers (SOF0–SOF15) carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
/** Markers without a length field: TEM, RST0–7, SOI. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

function jpeg(b: Uint8Array): ImageSizeResult {
  let i = 2;
  for (;;) {
    if (i + 4 > b.length) return { ok: false, needBytes: i + 4 };
    if (b[i] !== 0xff) return broken(`the JPEG has no segment marker at byte ${i}`);
    let marker = b[i + 1]!;
    // Any number of 0xff fill bytes may precede a marker.
    while (marker === 0xff) {
      i++;
      if (i + 4 > b.length) return { ok: false, needBytes: i + 4 };
      marker = b[i + 1]!;
    }
    if (standalone(marker)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return broken("the JPEG has no frame header before its image data");
    const length = be16(b, i + 2);
    if (length < 2) return broken(`the JPEG segment at byte ${i} has an invalid length`);
    if (isStartOfFrame(marker)) {
      if (i + 9 > b.length) return { ok: false, needBytes: i + 9 };
      return sized("jpeg", be16(b, i + 7), be16(b, i + 5));
    }
    i += 2 + length;
  }
}

/** The format and pixel size an image's first bytes declare; refuses what is not a well-formed header. */
export function readImageSize(head: Uint8Array): ImageSizeResult {
  if (head.length >= 8 && head[0] === 0x89 && ascii(head, 1, 3) === "PNG" && head[4] === 0x0d && head[5] === 0x0a && head[6] === 0x1a && head[7] === 0x0a) {
    return png(head);
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return jpeg(head);
  if (head.length >= 6 && (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a")) return gif(head);
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") return webp(head);
  return broken("not a PNG, JPEG, WebP or GIF image");
}
