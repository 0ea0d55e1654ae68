/**
 * The byte-moving half of Drive's resumable upload protocol
 * (https://developers.google.com/drive/api/guides/manage-uploads#resumable): one streamed PUT of the
 * remaining bytes to the session URI, and the status query that says how many bytes Drive kept.
 */
import { z } from "zod";
import { DriveError, driveErrorFrom, networkError } from "./google-drive-error";

export const driveFileSchema = z.object({ id: z.string().min(1), webViewLink: z.string().optional() });
export type DriveFileResource = z.infer<typeof driveFileSchema>;

export type TransferOutcome =
  | { kind: "done"; file: DriveFileResource }
  /** Drive kept `offset` bytes (308 Resume Incomplete). */
  | { kind: "incomplete"; offset: number }
  /** The session is gone (404 / 410): the upload has to start over with a new session. */
  | { kind: "expired"; error: DriveError }
  | { kind: "failed"; error: DriveError };

/** `Range: bytes=0-N` of a 308 → the next offset; no header means Drive kept nothing. */
export function offsetFromRange(range: string | null): number | undefined {
  if (range === null) return 0;
  const m = /^bytes=0-(\d+)$/.exec(range.trim());
  return m ? Number(m[1]) + 1 : undefined;
}

async function outcomeOf(operation: "upload.put" | "upload.status", res: Response): Promise<TransferOutcome> {
  if (res.status === 200 || res.status === 201) {
    const file = driveFileSchema.safeParse(await res.json().catch(() => undefined));
    if (file.success) return { kind: "done", file: file.data };
    return { kind: "failed", error: new DriveError(operation, res.status, "the finished upload answered without a file id", { retryable: false }) };
  }
  if (res.status === 308) {
    await res.body?.cancel();
    const offset = offsetFromRange(res.headers.get("Range"));
    if (offset !== undefined) return { kind: "incomplete", offset };
    return { kind: "failed", error: new DriveError(operation, 308, "unreadable Range header on 308", { retryable: true }) };
  }
  const error = await driveErrorFrom(operation, res);
  return res.status === 404 || res.status === 410 ? { kind: "expired", error } : { kind: "failed", error };
}

/**
 * PUTs bytes `offset..size-1` from `source` (which must yield exactly those bytes) to the session URI.
 * The body goes through a FixedLengthStream so workerd sends a Content-Length instead of chunked
 * encoding, and streams: nothing is held beyond the stream's own chunks.
 */
export async function putRemaining(
  sessionUri: string,
  source: ReadableStream<Uint8Array>,
  offset: number,
  size: number,
  contentType: string,
  signal?: AbortSignal,
): Promise<TransferOutcome> {
  const remaining = size - offset;
  const fixed = new FixedLengthStream(remaining);
  // Stops feeding the request once Google has answered early (an error before reading everything).
  const stopPump = new AbortController();
  const pump = source
    .pipeTo(fixed.writable, { signal: signal ? AbortSignal.any([signal, stopPump.signal]) : stopPump.signal })
    .then(() => undefined, (e: unknown) => e);
  const headers: Record<string, string> = { "Content-Type": contentType };
  if (remaining > 0) headers["Content-Range"] = `bytes ${offset}-${size - 1}/${size}`;
  let res: Response;
  try {
    res = await fetch(sessionUri, { method: "PUT", headers, body: fixed.readable, signal });
  } catch (cause) {
    stopPump.abort();
    await pump;
    return { kind: "failed", error: networkError("upload.put", cause, signal) };
  }
  const outcome = await outcomeOf("upload.put", res);
  stopPump.abort();
  await pump;
  return outcome;
}

/** Asks Drive how much of the upload it kept (`Content-Range: bytes * /size` with an empty body). */
export async function queryUploadStatus(sessionUri: string, size: number, signal?: AbortSignal): Promise<TransferOutcome> {
  let res: Response;
  try {
    res = await fetch(sessionUri, { method: "PUT", headers: { "Content-Range": `bytes */${size}` }, body: "", signal });
  } catch (cause) {
    return { kind: "failed", error: networkError("upload.status", cause, signal) };
  }
  return outcomeOf("upload.status", res);
}
