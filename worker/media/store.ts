/**
 * The one media store: every file is an R2 object plus one `files` row; clients address files by a
 * public name in a namespace (`file_names`; each face scopes its names), never by R2 key. Bodies stream in and out; nothing here holds
 * a whole file in memory (a Worker has 128 MB).
 */
import { crc32 } from "node:zlib";
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { chunksOf, D1_MAX_BOUND_PARAMETERS } from "../db/d1-limits";
import { fileNames, files, tasks, type FileNameRow, type FileRow } from "../db/schema";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";

/** R2 multipart parts: every part but the last must have the same size, at least 5 MiB. */
const PART_SIZE = 8 * 1024 * 1024;
/** Reads refresh `last_accessed_at` at most this often per file (one D1 write per minute, not per range request). */
const TOUCH_INTERVAL_MS = 60_000;

export interface PutResult {
  key: string;
  size: number;
  etag: string;
  /** CRC-32 of the bytes stored, computed as they passed (what a ZIP entry records: archives stream stored files untouched). */
  crc32: number;
}

/**
 * R2 custom metadata key holding an object's CRC-32 as 8 hex digits. An object written by someone else (the
 * transcoder, through the signed blob PUT) reaches registerFile through `head()`, not through PutResult; the
 * writer declares the checksum up front so it can go into the object's metadata when the write starts.
 */
export const CRC32_METADATA_KEY = "crc32";

export const formatCrc32 = (value: number): string => value.toString(16).padStart(8, "0");

/** The CRC-32 recorded in an object's metadata, or null when none was (objects stored before checksums were kept). */
export function storedCrc32(object: Pick<R2Object, "customMetadata">): number | null {
  const hex = object.customMetadata?.[CRC32_METADATA_KEY];
  return hex !== undefined && /^[0-9a-f]{8}$/.test(hex) ? Number.parseInt(hex, 16) : null;
}

/** Passes bytes through unchanged, keeping their running CRC-32 (zlib's, native: JavaScript only sees each chunk once). */
function crc32Meter(): { through: TransformStream<Uint8Array, Uint8Array>; value: () => number } {
  let value = 0;
  return {
    through: new TransformStream({
      transform(chunk, controller) {
        value = crc32(chunk, value);
        controller.enqueue(chunk);
      },
    }),
    value: () => value,
  };
}

/** Counts bytes passing through and fails the stream once `limit` is exceeded. */
function byteLimiter(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) {
        controller.error(new AppError(413, `file exceeds the limit of ${limit} bytes`, "file.too_large"));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

/**
 * Stream a body into R2. With a known length the body goes through a FixedLengthStream in one PUT;
 * without one (chunked uploads) it becomes a multipart upload of 8 MiB parts, so memory stays bounded
 * by one part. The CRC-32 of what was stored comes back in the result; a writer that declared one
 * (`expectedCrc32`) gets it recorded in the object's metadata, and a body that does not match it is
 * deleted and refused (422 `file.checksum_mismatch`): the bytes were damaged on the way.
 */
export async function putStream(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  opts: { contentType: string; length?: number; maxBytes: number; expectedCrc32?: number },
): Promise<PutResult> {
  const meter = crc32Meter();
  const metered = body.pipeThrough(meter.through);
  const options: R2PutOptions = {
    httpMetadata: { contentType: opts.contentType },
    ...(opts.expectedCrc32 === undefined ? {} : { customMetadata: { [CRC32_METADATA_KEY]: formatCrc32(opts.expectedCrc32) } }),
  };
  let stored: Omit<PutResult, "crc32">;
  if (opts.length !== undefined) {
    if (opts.length > opts.maxBytes) throw new AppError(413, `file exceeds the limit of ${opts.maxBytes} bytes`, "file.too_large");
    const fixed = new FixedLengthStream(opts.length);
    const piping = metered.pipeTo(fixed.writable).catch(() => undefined);
    const obj = await bucket.put(key, fixed.readable, options);
    await piping;
    if (!obj) throw new Error(`R2 refused ${key}`);
    stored = { key, size: obj.size, etag: obj.httpEtag };
  } else {
    stored = await putMultipart(bucket, key, metered.pipeThrough(byteLimiter(opts.maxBytes)), options);
  }
  const value = meter.value();
  if (opts.expectedCrc32 !== undefined && value !== opts.expectedCrc32) {
    await bucket.delete(key);
    throw new AppError(422, `the stored bytes have CRC-32 ${formatCrc32(value)}, not the declared ${formatCrc32(opts.expectedCrc32)}`, "file.checksum_mismatch");
  }
  return { ...stored, crc32: value };
}

async function putMultipart(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, options: R2MultipartOptions): Promise<Omit<PutResult, "crc32">> {
  const upload = await bucket.createMultipartUpload(key, options);
  const parts: R2UploadedPart[] = [];
  const reader = body.getReader();
  // One part buffer for the whole upload: uploadPart has taken the bytes once it resolves, so the buffer
  // is refilled rather than replaced (a fresh 8 MiB per part would leave a gigabyte of garbage behind a
  // 1 GB upload for the collector to find).
  const buffer = new Uint8Array(PART_SIZE);
  let filled = 0;
  let total = 0;
  const flush = async () => {
    parts.push(await upload.uploadPart(parts.length + 1, buffer.subarray(0, filled)));
    filled = 0;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.byteLength) {
        const take = Math.min(PART_SIZE - filled, value.byteLength - offset);
        buffer.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        total += take;
        if (filled === PART_SIZE) await flush();
      }
    }
    if (filled > 0 || parts.length === 0) await flush();
    const obj = await upload.complete(parts);
    return { key, size: total, etag: obj.httpEtag };
  } catch (err) {
    await upload.abort().catch(() => undefined);
    throw err;
  }
}

export interface RegisterFileInput {
  key: string;
  size: number;
  contentType: string;
  etag: string;
  sourceTaskId?: string | null;
  retention?: "idle" | "keep";
  /** From PutResult, or storedCrc32(head) for an object written by the transcoder; null when unknown. */
  crc32?: number | null;
}

export async function registerFile(env: Env, input: RegisterFileInput, now = Date.now()): Promise<FileRow> {
  const db = getDb(env);
  const [row] = await db
    .insert(files)
    .values({
      id: newId(),
      r2Key: input.key,
      size: input.size,
      contentType: input.contentType,
      etag: input.etag,
      crc32: input.crc32 ?? null,
      sourceTaskId: input.sourceTaskId ?? null,
      retention: input.retention ?? "idle",
      createdAt: new Date(now),
      lastAccessedAt: new Date(now),
    })
    .onConflictDoUpdate({ target: files.r2Key, set: { size: input.size, etag: input.etag, contentType: input.contentType, crc32: input.crc32 ?? null } })
    .returning();
  if (!row) throw new Error(`could not register ${input.key}`);
  return row;
}

/** registerFile for an object written by someone else (the transcoder), as its `head()` describes it, checksum included. */
export function registerObject(env: Env, head: R2Object, input: Omit<RegisterFileInput, "key" | "size" | "etag" | "crc32">, now = Date.now()): Promise<FileRow> {
  return registerFile(env, { ...input, key: head.key, size: head.size, etag: head.httpEtag, crc32: storedCrc32(head) }, now);
}

export async function getFilesByIds(env: Env, ids: string[]): Promise<FileRow[]> {
  const db = getDb(env);
  const rows: FileRow[] = [];
  for (const part of chunksOf([...new Set(ids)], D1_MAX_BOUND_PARAMETERS)) {
    rows.push(...(await db.select().from(files).where(inArray(files.id, part))));
  }
  return rows;
}

/**
 * Restart the idle clock of files that are about to be handed out, unthrottled, and return the rows that
 * still exist. Refreshing first is what makes the hand-out safe: the collector re-checks idleness in the
 * statement that deletes, so a file refreshed here survives a pass that started before; a file the
 * collector deleted first is missing from the result, and the caller can fetch it again.
 */
export async function touchFilesForHandOut(env: Env, ids: string[], now = Date.now()): Promise<FileRow[]> {
  const db = getDb(env);
  const rows: FileRow[] = [];
  // One parameter goes to the new timestamp.
  for (const part of chunksOf([...new Set(ids)], D1_MAX_BOUND_PARAMETERS - 1)) {
    rows.push(...(await db.update(files).set({ lastAccessedAt: new Date(now) }).where(inArray(files.id, part)).returning()));
  }
  return rows;
}

export type NameOutcome = { ok: true; name: FileNameRow } | { ok: false; reason: "taken" };

/**
 * Give a file a public name in a namespace (a face's scope of names). Names are unique per namespace.
 * Asking again for a name re-points it only for the same owner (an owner re-running the same conversion,
 * the saver re-naming a re-fetched post); a name held by another owner is never silently taken over —
 * unless it already names this very file (two callers saving the same cached post), which changes nothing.
 */
export async function nameFile(
  env: Env,
  input: { namespace: string; publicName: string; fileId: string; ownerUserId?: number | null },
  now = Date.now(),
): Promise<NameOutcome> {
  const db = getDb(env);
  const owner = input.ownerUserId ?? null;
  const [row] = await db
    .insert(fileNames)
    .values({ namespace: input.namespace, publicName: input.publicName, fileId: input.fileId, ownerUserId: owner, createdAt: new Date(now) })
    .onConflictDoUpdate({
      target: [fileNames.namespace, fileNames.publicName],
      set: { fileId: input.fileId },
      // SQLite's IS compares NULLs as equal: an anonymous name stays re-pointable by anonymous callers only.
      setWhere: sql`${fileNames.ownerUserId} IS ${owner}`,
    })
    .returning();
  if (row) return { ok: true, name: row };
  const held = await db
    .select()
    .from(fileNames)
    .where(and(eq(fileNames.namespace, input.namespace), eq(fileNames.publicName, input.publicName)))
    .get();
  if (held && held.fileId === input.fileId) return { ok: true, name: held };
  return { ok: false, reason: "taken" };
}

export interface NamedFile {
  name: FileNameRow;
  file: FileRow;
}

/**
 * Who may reach a name. `{ caller }` applies ownership: a name with an owner exists only for that owner
 * (anonymous names for everyone); without it, names are looked up as they are (namespaces without owners).
 */
export interface NameAccess {
  caller?: number | null;
}

function nameCondition(namespace: string, publicName: string, access: NameAccess) {
  const byName = and(eq(fileNames.namespace, namespace), eq(fileNames.publicName, publicName));
  if (access.caller === undefined) return byName;
  const visible = access.caller === null ? isNull(fileNames.ownerUserId) : or(isNull(fileNames.ownerUserId), eq(fileNames.ownerUserId, access.caller));
  return and(byName, visible);
}

export async function findNamedFile(env: Env, namespace: string, publicName: string, access: NameAccess = {}): Promise<NamedFile | undefined> {
  const row = await getDb(env)
    .select({ name: fileNames, file: files })
    .from(fileNames)
    .innerJoin(files, eq(files.id, fileNames.fileId))
    .where(nameCondition(namespace, publicName, access))
    .get();
  return row ?? undefined;
}

/** Refresh the idle clock of a file that was just read (throttled). */
export async function touchFile(env: Env, file: Pick<FileRow, "id" | "lastAccessedAt">, now = Date.now()): Promise<void> {
  if (now - file.lastAccessedAt.getTime() < TOUCH_INTERVAL_MS) return;
  await getDb(env)
    .update(files)
    .set({ lastAccessedAt: new Date(now) })
    .where(and(eq(files.id, file.id), lt(files.lastAccessedAt, new Date(now - TOUCH_INTERVAL_MS))));
}

/**
 * Remove a public name. When it was the file's last name, the object and its row go too, and the task
 * that produced it is marked expired so the next identical request fetches again.
 */
export async function deleteName(env: Env, namespace: string, publicName: string, access: NameAccess = {}): Promise<boolean> {
  const db = getDb(env);
  // One guarded statement: the ownership check and the delete cannot be separated by another request.
  const [removed] = await db.delete(fileNames).where(nameCondition(namespace, publicName, access)).returning();
  if (!removed) return false;
  const others = await db.select({ n: sql<number>`count(*)` }).from(fileNames).where(eq(fileNames.fileId, removed.fileId)).get();
  if ((others?.n ?? 0) === 0) await deleteFiles(env, [removed.fileId]);
  return true;
}

/**
 * Delete files (rows first, then objects), expiring the tasks whose cached results pointed at them.
 * Works through `ids` in chunks that keep every statement within D1's bound-parameter limit.
 */
export async function deleteFiles(env: Env, ids: string[], onlyIdleBefore?: Date): Promise<FileRow[]> {
  const gone: FileRow[] = [];
  // The idleness re-check spends one parameter on the cutoff.
  for (const part of chunksOf([...new Set(ids)], D1_MAX_BOUND_PARAMETERS - 1)) {
    gone.push(...(await deleteFileChunk(env, part, onlyIdleBefore)));
  }
  return gone;
}

async function deleteFileChunk(env: Env, ids: string[], onlyIdleBefore: Date | undefined): Promise<FileRow[]> {
  const db = getDb(env);
  const condition = onlyIdleBefore
    ? and(inArray(files.id, ids), lt(files.lastAccessedAt, onlyIdleBefore))
    : inArray(files.id, ids);
  // Deleting the rows first (re-checking idleness in the same statement) means a file read a moment
  // ago survives; a crash between the two steps leaves at worst an unreferenced object, never a dangling row.
  const gone = await db.delete(files).where(condition).returning();
  if (gone.length === 0) return [];
  await db.delete(fileNames).where(inArray(fileNames.fileId, gone.map((f) => f.id)));
  const taskIds = [...new Set(gone.map((f) => f.sourceTaskId).filter((t): t is string => !!t))];
  // Three parameters go to the new status, its timestamp and the status guard.
  for (const part of chunksOf(taskIds, D1_MAX_BOUND_PARAMETERS - 3)) {
    await db
      .update(tasks)
      .set({ status: "expired", updatedAt: new Date() })
      .where(and(inArray(tasks.id, part), eq(tasks.status, "succeeded")));
  }
  // R2 deletes up to 1000 keys per call; a chunk holds fewer.
  await env.MEDIA.delete(gone.map((f) => f.r2Key));
  return gone;
}

/** Rounds of `collectIdleFiles` per pass; see there for the query budget. */
const MAX_ROUNDS = 20;

/**
 * Garbage collection (seed 001's background collector, for every face's idle files): files not read for
 * `ttlSeconds` are removed, R2 object and row. Idempotent: a second concurrent pass finds nothing left.
 *
 * One pass removes at most `MAX_ROUNDS × batchSize` files; each round costs about ten D1 queries (one
 * select, then per chunk of 99 ids: the delete, the names, the task expiry), which keeps the whole cron
 * invocation far below D1's 1,000 queries per invocation. What is left waits for the next minute.
 */
export async function collectIdleFiles(env: Env, ttlSeconds: number, now = Date.now(), batchSize = 200): Promise<number> {
  const db = getDb(env);
  const cutoff = new Date(now - ttlSeconds * 1000);
  let removed = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const idle = await db
      .select({ id: files.id })
      .from(files)
      .where(and(eq(files.retention, "idle"), lt(files.lastAccessedAt, cutoff)))
      .limit(batchSize);
    if (idle.length === 0) break;
    const gone = await deleteFiles(
      env,
      idle.map((f) => f.id),
      cutoff,
    );
    removed += gone.length;
    if (idle.length < batchSize) break;
  }
  return removed;
}
