/**
 * Google Drive v3 client for the Worker: folders along a path, and resumable streamed uploads, as the
 * service account configured in DriveConfig. Uses only fetch, web streams and jose, so it runs in workerd.
 *
 * @example
 * const config = driveConfigFromEnv(env);
 * if (config) {
 *   const drive = createDriveClient(config);
 *   const folderId = await drive.ensureFolderPath(["TikTok", "profile", "khaby.lame", "2025", "01"]);
 *   const object = await env.MEDIA.get(key);
 *   const file = await drive.uploadFile({
 *     name: "7123.mp4", parentId: folderId, contentType: "video/mp4", size: object.size, body: object.body,
 *     reopen: async (offset) => (await env.MEDIA.get(key, { range: { offset } }))!.body,
 *   });
 *   file.link; // webViewLink, or https://drive.google.com/file/d/<id>/view
 * }
 */
import { z } from "zod";
import { type AccessTokenSource, serviceAccountTokenSource } from "./google-drive-auth";
import type { DriveConfig } from "./google-drive-config";
import { DriveError, type DriveOperation, driveErrorFrom, networkError } from "./google-drive-error";
import { type DriveFileResource, driveFileSchema, putRemaining, queryUploadStatus } from "./google-drive-upload";

export { DRIVE_FILE_SCOPE } from "./google-drive-auth";
export {
  DRIVE_API_BASE_URL,
  type DriveConfig,
  DriveConfigError,
  type DriveEnv,
  driveConfig,
  driveConfigFromEnv,
  GOOGLE_OAUTH_TOKEN_URL,
  type ServiceAccountKey,
  serviceAccountKeySchema,
} from "./google-drive-config";
export { DriveError, type DriveOperation } from "./google-drive-error";

export const DRIVE_FOLDER_MIME_TYPE = "application/vnd.google-apps.folder";

export interface DriveFile {
  id: string;
  /** Drive's webViewLink when it gave one, else the standard viewer URL for the id. */
  link: string;
}

export interface UploadFileInput {
  name: string;
  parentId: string;
  contentType: string;
  /** Exact byte length of `body` (Drive needs it up front; the PUT carries it as Content-Length). */
  size: number;
  /** The file's bytes, streamed as they are read: never buffered whole. */
  body: ReadableStream<Uint8Array>;
  /**
   * A fresh stream of the same bytes from `offset` to the end (R2: `get(key, { range: { offset } })`), used
   * to resume after a failed transfer. Without it, the first failed transfer ends the upload.
   */
  reopen?: (offset: number) => Promise<ReadableStream<Uint8Array>>;
  /** Private key/value pairs stored on the file, visible to this app only (e.g. the TikTok id). */
  appProperties?: Record<string, string>;
  signal?: AbortSignal;
}

export interface DriveClientOptions {
  /** Transfers (first PUT and resumes) before an upload is given up. Default 4. */
  uploadAttempts?: number;
  /** Wait before resume n is base × 2^(n-1) ms. Default 500. */
  resumeBaseDelayMs?: number;
}

export interface DriveClient {
  /**
   * The id of the folder at `path` below `parentId` (default: the configured root folder, else the
   * account's "root"), creating the missing folders. Found folders are remembered for this client's life.
   */
  ensureFolderPath(path: readonly string[], parentId?: string, opts?: { signal?: AbortSignal }): Promise<string>;
  /** Resumable upload of a stream of known length; resumes from Drive's offset after failed transfers. */
  uploadFile(input: UploadFileInput): Promise<DriveFile>;
  /** Small payloads (the metadata JSON): the same resumable upload from bytes in memory. */
  uploadBytes(input: Omit<UploadFileInput, "body" | "reopen" | "size"> & { bytes: Uint8Array }): Promise<DriveFile>;
}

/** The link the archiver shows for a file. */
export const driveFileLink = (id: string, webViewLink?: string) =>
  webViewLink ?? `https://drive.google.com/file/d/${encodeURIComponent(id)}/view`;

/** A string literal for a Drive `q` expression: `\` and `'` are escaped with a backslash. */
export const driveQueryString = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

const fileListSchema = z.object({ files: z.array(z.object({ id: z.string().min(1), name: z.string().optional() })) });

// Every call also reaches shared drives (the archive folder may live in one).
const ALL_DRIVES = { supportsAllDrives: "true" } as const;

export function createDriveClient(config: DriveConfig, options: DriveClientOptions = {}, tokens: AccessTokenSource = serviceAccountTokenSource(config)): DriveClient {
  const uploadAttempts = Math.max(1, options.uploadAttempts ?? 4);
  const resumeBaseDelayMs = options.resumeBaseDelayMs ?? 500;
  const apiOrigin = new URL(config.apiBaseUrl).origin;
  // (parent id, name) → folder id; the promise is shared so concurrent callers in this isolate resolve a
  // folder once instead of racing to create it.
  const folders = new Map<string, Promise<string>>();

  /** One authorized request; a 401 (token revoked or expired early) is retried once with a fresh token. */
  async function call(operation: DriveOperation, url: URL, init: RequestInit & { signal?: AbortSignal }): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.get(init.signal);
      let res: Response;
      try {
        res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` } });
      } catch (cause) {
        throw networkError(operation, cause, init.signal ?? undefined);
      }
      if (res.ok) return res;
      if (res.status === 401 && attempt === 1) {
        await res.body?.cancel();
        tokens.invalidate();
        continue;
      }
      throw await driveErrorFrom(operation, res);
    }
  }

  const apiUrl = (path: string, params: Record<string, string>) => {
    const url = new URL(config.apiBaseUrl + path);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  };

  /** Folders named `name` in `parentId`, oldest first (Drive allows duplicates; the oldest is the canonical one). */
  async function listFolders(name: string, parentId: string, signal?: AbortSignal): Promise<string[]> {
    const q = `name = ${driveQueryString(name)} and mimeType = '${DRIVE_FOLDER_MIME_TYPE}' and ${driveQueryString(parentId)} in parents and trashed = false`;
    const url = apiUrl("/drive/v3/files", { q, fields: "files(id,name)", orderBy: "createdTime", includeItemsFromAllDrives: "true", ...ALL_DRIVES });
    const res = await call("files.list", url, { method: "GET", headers: { Accept: "application/json" }, signal });
    const body = fileListSchema.safeParse(await res.json().catch(() => undefined));
    if (!body.success) throw new DriveError("files.list", res.status, "unexpected files.list answer", { retryable: true });
    return body.data.files.map((f) => f.id);
  }

  async function createFolder(name: string, parentId: string, signal?: AbortSignal): Promise<string> {
    const url = apiUrl("/drive/v3/files", { fields: "id", ...ALL_DRIVES });
    const res = await call("files.create", url, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=UTF-8", Accept: "application/json" },
      body: JSON.stringify({ name, mimeType: DRIVE_FOLDER_MIME_TYPE, parents: [parentId] }),
      signal,
    });
    const body = driveFileSchema.safeParse(await res.json().catch(() => undefined));
    if (!body.success) throw new DriveError("files.create", res.status, "files.create answered without an id", { retryable: true });
    return body.data.id;
  }

  /**
   * Find, else create. Two isolates may both find nothing and both create (Drive has no unique names): each
   * re-lists after creating and takes the oldest, so both continue in the same folder; the younger duplicate
   * stays behind empty (deleting it could pull a folder from under a third caller that already chose it).
   */
  async function resolveFolder(name: string, parentId: string, signal?: AbortSignal): Promise<string> {
    const existing = await listFolders(name, parentId, signal);
    if (existing[0] !== undefined) return existing[0];
    const created = await createFolder(name, parentId, signal);
    const after = await listFolders(name, parentId, signal);
    return after[0] ?? created;
  }

  function folder(name: string, parentId: string, signal?: AbortSignal): Promise<string> {
    const key = `${parentId}\u0000${name}`;
    let id = folders.get(key);
    if (!id) {
      id = resolveFolder(name, parentId, signal);
      folders.set(key, id);
      // A failure is not remembered: the next caller tries again.
      id.catch(() => folders.delete(key));
    }
    return id;
  }

  async function ensureFolderPath(path: readonly string[], parentId?: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    let parent = parentId ?? config.rootFolderId ?? "root";
    for (const segment of path) {
      if (segment.trim() === "") throw new RangeError("Drive folder path segments must not be empty");
      parent = await folder(segment, parent, opts.signal);
    }
    return parent;
  }

  /** Starts a resumable session; its URI (from Location) is where the bytes go. */
  async function startSession(input: UploadFileInput): Promise<string> {
    const url = apiUrl("/upload/drive/v3/files", { uploadType: "resumable", fields: "id,webViewLink", ...ALL_DRIVES });
    const metadata = { name: input.name, parents: [input.parentId], mimeType: input.contentType, ...(input.appProperties ? { appProperties: input.appProperties } : {}) };
    let res: Response;
    try {
      res = await call("upload.init", url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json; charset=UTF-8",
          "X-Upload-Content-Type": input.contentType,
          "X-Upload-Content-Length": String(input.size),
        },
        body: JSON.stringify(metadata),
        signal: input.signal,
      });
    } catch (e) {
      // The parent may be a remembered folder that someone deleted since: forget them all, so a retry
      // resolves the path again instead of failing the same way.
      if (e instanceof DriveError && e.status === 404) {
        folders.clear();
        throw new DriveError("upload.init", 404, e.message, { reason: e.reason, retryable: true });
      }
      throw e;
    }
    await res.body?.cancel();
    const location = res.headers.get("Location");
    if (!location) throw new DriveError("upload.init", res.status, "no Location (session URI) in the answer", { retryable: true });
    const session = new URL(location, config.apiBaseUrl);
    // The session URI carries the right to write; bytes go only back to the API's own origin.
    if (session.origin !== apiOrigin) throw new DriveError("upload.init", res.status, "the session URI points to another origin", { retryable: false });
    return session.href;
  }

  async function uploadFile(input: UploadFileInput): Promise<DriveFile> {
    if (!Number.isSafeInteger(input.size) || input.size < 0) throw new RangeError("upload size must be a whole number of bytes");
    const done = (file: DriveFileResource): DriveFile => ({ id: file.id, link: driveFileLink(file.id, file.webViewLink) });
    let source: ReadableStream<Uint8Array> | undefined = input.body;
    try {
      let session = await startSession(input);
      // Where the next transfer starts; undefined after a failed transfer, until Drive says how much it kept.
      let offset: number | undefined = 0;
      let lastError: DriveError | undefined;
      for (let transfer = 1; transfer <= uploadAttempts; transfer++) {
        if (transfer > 1) await sleep(resumeBaseDelayMs * 2 ** (transfer - 2), input.signal);
        if (offset === undefined) {
          const status = await queryUploadStatus(session, input.size, input.signal);
          if (status.kind === "done") return done(status.file);
          if (status.kind === "incomplete") offset = status.offset;
          else if (status.kind === "expired") {
            session = await startSession(input);
            offset = 0;
          } else {
            if (!status.error.retryable) throw status.error;
            lastError = status.error;
            continue;
          }
        }
        if (!source && !input.reopen) break;
        const sending = source ?? (await input.reopen!(offset));
        source = undefined;
        const outcome = await putRemaining(session, sending, offset, input.size, input.contentType, input.signal);
        if (outcome.kind === "done") return done(outcome.file);
        if (outcome.kind === "incomplete") {
          offset = outcome.offset;
          lastError = new DriveError("upload.put", 308, `Drive kept ${offset} of ${input.size} bytes`, { retryable: true });
          continue;
        }
        if (!outcome.error.retryable && outcome.kind === "failed") throw outcome.error;
        lastError = outcome.error;
        offset = undefined;
      }
      throw new DriveError("upload.put", lastError?.status ?? 0, `upload of ${input.size} bytes given up: ${lastError?.message ?? "no transfer"}`, {
        reason: lastError?.reason ?? "uploadIncomplete",
        // Only transient failures get here (others are thrown at once): a later upload from scratch can succeed.
        retryable: true,
        cause: lastError,
      });
    } finally {
      // A stream never handed to a PUT (failed session start, early give-up) still holds its source open.
      await source?.cancel().catch(() => undefined);
    }
  }

  function uploadBytes(input: Omit<UploadFileInput, "body" | "reopen" | "size"> & { bytes: Uint8Array }): Promise<DriveFile> {
    const { bytes, ...rest } = input;
    const from = (offset: number) => new Blob([bytes.subarray(offset)]).stream();
    return uploadFile({ ...rest, size: bytes.byteLength, body: from(0), reopen: async (offset) => from(offset) });
  }

  return { ensureFolderPath, uploadFile, uploadBytes };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(networkError("upload.put", signal.reason, signal));
    }, { once: true });
  });
}
