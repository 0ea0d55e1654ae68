/**
 * Measuring stored images: the header is read from R2 with ranged reads (a JPEG's frame header can sit
 * behind large metadata segments), never the whole file.
 */
import { AppError } from "../../lib/errors";
import { readImageSize, type ImageSizeResult } from "./image-size";

const FIRST_READ = 64 * 1024;
/** JPEG metadata (EXIF, ICC profiles, embedded thumbnails) rarely exceeds this before the frame header. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

async function readHead(bucket: R2Bucket, key: string, length: number): Promise<Uint8Array> {
  const object = await bucket.get(key, { range: { offset: 0, length } });
  if (!object) throw new AppError(404, "Файл не найден", "file.missing");
  return new Uint8Array(await object.arrayBuffer());
}

/** Width and height of a stored image; 400 for anything that is not a readable PNG, JPEG, WebP or GIF. */
export async function measureStoredImage(bucket: R2Bucket, key: string, size: number): Promise<{ width: number; height: number }> {
  let length = Math.min(size, FIRST_READ);
  let result: ImageSizeResult = readImageSize(await readHead(bucket, key, length));
  while (!result.ok && result.needBytes !== undefined && result.needBytes > length && length < size && length < MAX_HEADER_BYTES) {
    length = Math.min(size, MAX_HEADER_BYTES, Math.max(result.needBytes, length * 4));
    result = readImageSize(await readHead(bucket, key, length));
  }
  if (result.ok) return { width: result.width, height: result.height };
  const reason = result.needBytes !== undefined ? "the image header is truncated" : result.reason;
  throw new AppError(400, `Некорректное изображение: ${reason}`, "image.broken");
}
