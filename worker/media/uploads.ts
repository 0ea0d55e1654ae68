/**
 * Upload endpoints' one call: a `multipart/form-data` request whose fields are declared up front, each file
 * streamed through the upload guard into R2 as it arrives and registered as a `files` row, the text
 * fields returned beside them. A request that fails anywhere leaves nothing behind: objects already
 * written for it are deleted, rows with them.
 */
import { toHex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { multipartParts, type MultipartFilePart } from "./multipart";
import { deleteFiles, putStream, registerFile } from "./store";
import { guardUpload, type MediaKind } from "./upload-guard";

export interface FileFieldSpec {
  /** Files this field may carry (`files` of a story: several; `file` of a reel: one). */
  maxCount: number;
  /** Cap on each file, enforced while it streams (413). */
  maxBytes: number;
  /** Media kinds the field takes, by magic bytes (415 otherwise). */
  accept: readonly MediaKind[];
  required?: boolean;
  /** For the OpenAPI document. */
  description?: string;
}

export interface TextFieldSpec {
  /** In characters (code points), as the seeds' `max 100` means. */
  maxLength: number;
  /** Values this field may carry; 1 unless said. */
  maxCount?: number;
  required?: boolean;
  description?: string;
}

export interface MultipartSpec<F extends string = string, T extends string = string> {
  files: Record<F, FileFieldSpec>;
  text: Record<T, TextFieldSpec>;
  /** Parts of any kind; defaults to the sum of every field's count, the most a valid request has. */
  maxParts?: number;
  /** Bytes of one part's header block (8 KiB unless said). */
  maxHeaderBytes?: number;
}

export interface UploadTarget {
  /** R2 keys of this request's files start with it (e.g. `uploads/social/`). */
  keyPrefix: string;
  /** `keep` for files users own (social uploads); `idle` ones expire when unread. */
  retention: "idle" | "keep";
  /** Also hash each file (SHA-256) as it streams; costs CPU, so only where a caller needs it. */
  sha256?: boolean;
}

export interface StoredUpload<F extends string = string> {
  field: F;
  /** The client's name for the file (path stripped), never used as a key. */
  filename: string | undefined;
  fileId: string;
  key: string;
  size: number;
  etag: string;
  crc32: number;
  /** What the bytes are, by magic bytes (not what the client declared). */
  mime: string;
  kind: MediaKind;
  /** Lowercase hex, when the target asked for it. */
  sha256?: string;
}

export interface MultipartUpload<F extends string = string, T extends string = string> {
  /** Every value of each declared text field, in arrival order (absent fields: `[]`). */
  text: Record<T, string[]>;
  /** Stored files in arrival order. */
  files: StoredUpload<F>[];
}

const DEFAULT_HEADER_BYTES = 8 * 1024;
/** The most bytes one character takes in UTF-8: the byte cap that cannot cut a valid value. */
const MAX_UTF8_BYTES_PER_CHAR = 4;

const has = <K extends string>(record: Record<K, unknown>, key: string): key is K => Object.hasOwn(record, key);

/** Pass-through that feeds a SHA-256 digest with the bytes on their way to R2. */
function hashing(): { through: TransformStream<Uint8Array, Uint8Array>; digest: () => Promise<string> } {
  const digestStream = new crypto.DigestStream("SHA-256");
  const writer = digestStream.getWriter();
  const through = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      await writer.write(chunk);
      controller.enqueue(chunk);
    },
    flush: () => writer.close(),
  });
  return { through, digest: async () => toHex(await digestStream.digest) };
}

interface WrittenObject<F extends string> extends Omit<StoredUpload<F>, "fileId"> {}

async function storeFile<F extends string>(
  bucket: R2Bucket,
  part: MultipartFilePart,
  field: F,
  spec: FileFieldSpec,
  target: UploadTarget,
  key: string,
): Promise<WrittenObject<F>> {
  const guarded = await guardUpload(part.body, { declaredType: part.contentType, maxBytes: spec.maxBytes, accept: spec.accept });
  const hash = target.sha256 ? hashing() : undefined;
  const body = hash ? guarded.stream.pipeThrough(hash.through) : guarded.stream;
  // No length: parts of unknown size go up as an R2 multipart upload, one 8 MiB part in memory at a time.
  const put = await putStream(bucket, key, body, { contentType: guarded.media.mime, maxBytes: spec.maxBytes });
  return {
    field,
    filename: part.filename,
    key: put.key,
    size: put.size,
    etag: put.etag,
    crc32: put.crc32,
    mime: guarded.media.mime,
    kind: guarded.media.kind,
    ...(hash ? { sha256: await hash.digest() } : {}),
  };
}

function countLimit(spec: MultipartSpec): number {
  const files = Object.values<FileFieldSpec>(spec.files).reduce((n, f) => n + f.maxCount, 0);
  const text = Object.values<TextFieldSpec>(spec.text).reduce((n, t) => n + (t.maxCount ?? 1), 0);
  return files + text;
}

/**
 * Read a multipart upload as `spec` declares it, storing each file under `target.keyPrefix` as it streams.
 * Errors (AppError): 415 not multipart / a file of the wrong media; 400 `multipart.malformed`,
 * `multipart.unknown_field`, `multipart.wrong_part_type`, `multipart.too_many_values`,
 * `multipart.too_many_parts`, `upload.empty`; 413 `upload.too_large` / `file.too_large`; 422
 * `multipart.text_too_long`, `multipart.missing_field`. Whatever was stored before the error is deleted.
 */
export async function readMultipart<F extends string, T extends string>(
  env: Env,
  request: Request,
  spec: MultipartSpec<F, T>,
  target: UploadTarget,
): Promise<MultipartUpload<F, T>> {
  const text = Object.fromEntries(Object.keys(spec.text).map((name) => [name, [] as string[]])) as Record<T, string[]>;
  const fileCounts = new Map<string, number>();
  const written: WrittenObject<F>[] = [];
  const attemptedKeys: string[] = [];
  const fileIds: string[] = [];
  const maxLength = Math.max(0, ...Object.values<TextFieldSpec>(spec.text).map((t) => t.maxLength));

  try {
    const parts = multipartParts(request, {
      maxParts: spec.maxParts ?? countLimit(spec),
      maxTextBytes: maxLength * MAX_UTF8_BYTES_PER_CHAR,
      maxHeaderBytes: spec.maxHeaderBytes ?? DEFAULT_HEADER_BYTES,
    });
    for await (const part of parts) {
      const isFileField = has(spec.files, part.name);
      if (!isFileField && !has(spec.text, part.name)) {
        throw new AppError(400, `unexpected field ${JSON.stringify(part.name)}`, "multipart.unknown_field");
      }
      if (part.type === "text") {
        if (!has(spec.text, part.name)) throw new AppError(400, `the field ${part.name} must be a file`, "multipart.wrong_part_type");
        const field = spec.text[part.name];
        const values = text[part.name];
        if (values.length >= (field.maxCount ?? 1)) throw new AppError(400, `too many values for ${part.name}`, "multipart.too_many_values");
        if ([...part.value].length > field.maxLength) {
          throw new AppError(422, `${part.name} is longer than ${field.maxLength} characters`, "multipart.text_too_long");
        }
        values.push(part.value);
        continue;
      }
      if (!has(spec.files, part.name)) throw new AppError(400, `the field ${part.name} must be text, not a file`, "multipart.wrong_part_type");
      const field = spec.files[part.name];
      const count = (fileCounts.get(part.name) ?? 0) + 1;
      if (count > field.maxCount) throw new AppError(400, `at most ${field.maxCount} files in ${part.name}`, "multipart.too_many_values");
      fileCounts.set(part.name, count);
      const key = `${target.keyPrefix}${newId()}`;
      attemptedKeys.push(key);
      written.push(await storeFile(env.MEDIA, part, part.name, field, target, key));
    }

    for (const [name, field] of Object.entries<FileFieldSpec>(spec.files)) {
      if (field.required && !fileCounts.get(name)) throw new AppError(422, `the file field ${name} is required`, "multipart.missing_field");
    }
    for (const [name, field] of Object.entries<TextFieldSpec>(spec.text)) {
      if (field.required && text[name as T].length === 0) throw new AppError(422, `the field ${name} is required`, "multipart.missing_field");
    }

    const files: StoredUpload<F>[] = [];
    for (const object of written) {
      const row = await registerFile(env, { key: object.key, size: object.size, contentType: object.mime, etag: object.etag, crc32: object.crc32, retention: target.retention });
      fileIds.push(row.id);
      files.push({ ...object, fileId: row.id });
    }
    return { text, files };
  } catch (err) {
    await deleteFiles(env, fileIds).catch(() => undefined);
    if (attemptedKeys.length > 0) await env.MEDIA.delete(attemptedKeys).catch(() => undefined);
    throw err;
  }
}
