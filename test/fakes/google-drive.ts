/**
 * A local stand-in for Google's OAuth token endpoint and the Drive v3 endpoints the Worker's client uses,
 * speaking their real protocol and shapes, on 127.0.0.1 (port 0 by default). Tests talk to it over HTTP.
 *
 * Each test makes its own isolated Drive (`POST /__fake/drives`): its own service account, folders, files,
 * faults and request log, under the path prefix `/d/<drive>/`, which is the client's API base URL.
 *
 *   POST /d/<drive>/token                       OAuth 2.0 JWT bearer grant: the assertion's RS256 signature is
 *                                               checked against the fake's key pair; iss, aud, scope, iat/exp too
 *   GET  /d/<drive>/drive/v3/files              files.list: q (and-ed name / mimeType / '<id>' in parents /
 *                                               trashed terms), orderBy=createdTime, fields
 *   POST /d/<drive>/drive/v3/files              files.create, folders only (metadata JSON), fields
 *   POST /d/<drive>/upload/drive/v3/files       ?uploadType=resumable: session start, answers Location with upload_id
 *   PUT  /d/<drive>/upload/drive/v3/files?upload_id=…   bytes (Content-Range a-b/size) or status query
 *                                               (bytes * /size); 308 + Range while incomplete; file on completion
 *   POST /__fake/drives                         a new Drive: {apiBaseUrl, tokenUrl, rootFolderId, serviceAccount,
 *                                               untrustedServiceAccount}
 *   GET  /__fake/drives/<drive>                 what it received: folders, files (size, sha256), token grants,
 *                                               upload sessions, request log
 *   POST /__fake/drives/<drive>/faults          queue a fault (FakeDriveFault) for the next matching request(s)
 *
 * Run standalone with `node test/fakes/google-drive.ts [--port 9200]`.
 */
import { createHash, generateKeyPairSync, randomBytes, verify, type KeyObject, createPublicKey } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback-server.ts";
import { parseArgs } from "node:util";
import { type FieldSelector, parseFields, parseQuery, selectFields, SyntaxFault } from "./google-drive-syntax.ts";

export const FOLDER_MIME_TYPE = "application/vnd.google-apps.folder";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const TOKEN_LIFETIME_SECONDS = 3599;

export type FakeDriveOperation = "token" | "files.list" | "files.create" | "upload.init" | "upload.put" | "upload.status";

/** A failure the next matching request(s) get instead of (or, for `afterBytes`, part way through) their answer. */
export interface FakeDriveFault {
  operation: FakeDriveOperation;
  /** HTTP status to answer (Drive's error body with `reason`). */
  status: number;
  /** Drive's `errors[0].reason`; default by status (429 rateLimitExceeded, 5xx backendError, else failed). */
  reason?: string;
  /** upload.put only: keep this many bytes of the body, then answer (or drop the connection). */
  afterBytes?: number;
  /** Close the connection without an answer (a network failure as the client sees it). */
  drop?: boolean;
  /**
   * files.list only, with status 200: answer as if nothing matched, as a list sent just before another
   * client's create would (how two clients come to create the same folder).
   */
  staleList?: boolean;
  /** How many matching requests get this fault (default 1). */
  times?: number;
}

export interface ServiceAccountJson {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

export interface FakeDriveInfo {
  id: string;
  apiBaseUrl: string;
  tokenUrl: string;
  /** A folder "shared with" the service account: use as GOOGLE_DRIVE_ROOT_FOLDER_ID. */
  rootFolderId: string;
  /** The account's key file, its key pair trusted by the token endpoint. */
  serviceAccount: ServiceAccountJson;
  /** The same account with a key pair the fake does not know: its assertions are refused. */
  untrustedServiceAccount: ServiceAccountJson;
}

export interface FakeFolder {
  id: string;
  name: string;
  parents: string[];
  createdTime: string;
}

export interface FakeFile extends FakeFolder {
  mimeType: string;
  size: number;
  sha256: string;
  appProperties?: Record<string, string>;
}

export interface FakeDriveState {
  /** The id behind the `root` alias (the account's own My Drive). */
  myDriveId: string;
  folders: FakeFolder[];
  files: FakeFile[];
  /** Claims of every assertion the token endpoint accepted. */
  tokenGrants: { iss: string; scope: string; aud: string; iat: number; exp: number; kid?: string }[];
  uploads: { uploadId: string; name: string; size: number; received: number; complete: boolean; putCount: number }[];
  /** Every request to this Drive, in order, with the status it got (0 when the connection was dropped). */
  requests: { operation: FakeDriveOperation; method: string; status: number; contentLength?: number }[];
}

interface UploadSession {
  uploadId: string;
  metadata: { name: string; parents: string[]; mimeType: string; appProperties?: Record<string, string> };
  size: number;
  fields: FieldSelector | undefined;
  chunks: Buffer[];
  received: number;
  putCount: number;
  file?: FakeFile;
}

interface Drive {
  info: FakeDriveInfo;
  myDriveId: string;
  folders: Map<string, FakeFolder>;
  files: Map<string, FakeFile>;
  tokens: Map<string, number>; // access token → expiry (ms)
  tokenGrants: FakeDriveState["tokenGrants"];
  uploads: Map<string, UploadSession>;
  faults: (FakeDriveFault & { left: number })[];
  requests: FakeDriveState["requests"];
}

export interface FakeGoogleDrive {
  origin: string;
  port: number;
  createDrive(): FakeDriveInfo;
  state(driveId: string): FakeDriveState | undefined;
  addFault(driveId: string, fault: FakeDriveFault): void;
  close(): Promise<void>;
}

const FILE_FIELDS = new Set(["kind", "id", "name", "mimeType", "parents", "createdTime", "webViewLink", "size", "sha256Checksum", "appProperties", "trashed"]);
const LIST_FIELDS = new Set(["kind", "incompleteSearch", "nextPageToken", "files"]);
const DEFAULT_FILE_FIELDS = parseFields("kind,id,name,mimeType");
const DEFAULT_LIST_FIELDS = parseFields("kind,incompleteSearch,files(kind,id,name,mimeType)");

const driveId = () => randomBytes(24).toString("base64url").replace(/[-_]/g, "x").slice(0, 33);

function generateRsaKeyPair() {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", "Content-Length": body.length, ...headers });
  res.end(body);
}

const defaultReason = (status: number) => (status === 429 ? "rateLimitExceeded" : status >= 500 ? "backendError" : status === 404 ? "notFound" : "failed");

/** Drive v3's error body. */
function sendDriveError(res: ServerResponse, status: number, message: string, reason = defaultReason(status), location?: string) {
  const domain = status === 429 || reason.toLowerCase().includes("ratelimit") ? "usageLimits" : "global";
  sendJson(res, status, {
    error: { code: status, message, errors: [{ domain, reason, message, ...(location ? { locationType: "parameter", location } : {}) }] },
  });
}

/** The OAuth token endpoint's error body (RFC 6749 §5.2). */
const sendOAuthError = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description });

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new Error("body too large for a metadata request");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Feeds the body's chunks to `take` until it returns false (the rest is left unread, so an answer can be
 * sent mid-body) or the body ends or breaks off.
 */
function receive(req: IncomingMessage, take: (chunk: Buffer) => boolean): Promise<"ended" | "stopped" | "aborted"> {
  return new Promise((resolve) => {
    const done = (how: "ended" | "stopped" | "aborted") => {
      req.off("data", onData).off("end", onEnd).off("error", onAbort).off("aborted", onAbort);
      resolve(how);
    };
    const onData = (chunk: Buffer) => {
      if (!take(chunk)) {
        req.pause();
        done("stopped");
      }
    };
    const onEnd = () => done("ended");
    const onAbort = () => done("aborted");
    req.on("data", onData).on("end", onEnd).on("error", onAbort).on("aborted", onAbort);
  });
}

export async function startFakeGoogleDrive(opts: { port?: number } = {}): Promise<FakeGoogleDrive> {
  // One trusted and one untrusted key pair for the whole server: RSA generation is the slow part.
  const trusted = generateRsaKeyPair();
  const untrusted = generateRsaKeyPair();
  const trustedPublicKey: KeyObject = createPublicKey(trusted.publicKey);
  const drives = new Map<string, Drive>();
  let origin = "";

  function createDrive(): FakeDriveInfo {
    const id = randomBytes(6).toString("hex");
    const base = `${origin}/d/${id}`;
    const account = (privateKey: string): ServiceAccountJson => ({
      type: "service_account",
      project_id: "fake-project",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privateKey,
      client_email: `archiver-${id}@fake-project.iam.gserviceaccount.com`,
      client_id: String(100000000000000000000n + BigInt(`0x${id}`)),
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: `${base}/token`,
    });
    const myDriveId = `0A${driveId().slice(0, 17)}`;
    const shared: FakeFolder = { id: driveId(), name: "Archive (shared with the service account)", parents: [myDriveId], createdTime: new Date().toISOString() };
    const info: FakeDriveInfo = {
      id,
      apiBaseUrl: base,
      tokenUrl: `${base}/token`,
      rootFolderId: shared.id,
      serviceAccount: account(trusted.privateKey),
      untrustedServiceAccount: account(untrusted.privateKey),
    };
    drives.set(id, {
      info,
      myDriveId,
      folders: new Map([[shared.id, shared]]),
      files: new Map(),
      tokens: new Map(),
      tokenGrants: [],
      uploads: new Map(),
      faults: [],
      requests: [],
    });
    return info;
  }

  function state(id: string): FakeDriveState | undefined {
    const d = drives.get(id);
    if (!d) return undefined;
    return {
      myDriveId: d.myDriveId,
      folders: [...d.folders.values()],
      files: [...d.files.values()],
      tokenGrants: d.tokenGrants,
      uploads: [...d.uploads.values()].map((u) => ({ uploadId: u.uploadId, name: u.metadata.name, size: u.size, received: u.received, complete: !!u.file, putCount: u.putCount })),
      requests: d.requests,
    };
  }

  function addFault(id: string, fault: FakeDriveFault) {
    const d = drives.get(id);
    if (!d) throw new Error(`no fake drive ${id}`);
    d.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  function takeFault(d: Drive, operation: FakeDriveOperation) {
    const i = d.faults.findIndex((f) => f.operation === operation);
    if (i < 0) return undefined;
    const fault = d.faults[i]!;
    if (--fault.left <= 0) d.faults.splice(i, 1);
    return fault;
  }

  const resolveId = (d: Drive, id: string) => (id === "root" ? d.myDriveId : id);
  const isFolder = (d: Drive, id: string) => id === d.myDriveId || d.folders.has(id);

  function fileResource(item: FakeFolder | FakeFile): Record<string, unknown> {
    const file = "sha256" in item ? item : undefined;
    return {
      kind: "drive#file",
      id: item.id,
      name: item.name,
      mimeType: file?.mimeType ?? FOLDER_MIME_TYPE,
      parents: item.parents,
      createdTime: item.createdTime,
      trashed: false,
      webViewLink: file ? `https://drive.google.com/file/d/${item.id}/view?usp=drivesdk` : `https://drive.google.com/drive/folders/${item.id}`,
      ...(file ? { size: String(file.size), sha256Checksum: file.sha256, ...(file.appProperties ? { appProperties: file.appProperties } : {}) } : {}),
    };
  }

  /** The bearer token must be one this Drive issued and still valid; else Drive's 401. */
  function authorized(d: Drive, req: IncomingMessage, res: ServerResponse): boolean {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    const expiry = m ? d.tokens.get(m[1]!) : undefined;
    if (expiry !== undefined && expiry > Date.now()) return true;
    sendDriveError(res, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token.", "authError", "Authorization");
    return false;
  }

  function fieldsOf(url: URL, fallback: FieldSelector): FieldSelector {
    const fields = url.searchParams.get("fields");
    return fields === null ? fallback : parseFields(fields);
  }

  async function token(d: Drive, req: IncomingMessage, res: ServerResponse) {
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith("application/x-www-form-urlencoded")) return sendOAuthError(res, 400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    if (form.get("grant_type") !== JWT_BEARER_GRANT) return sendOAuthError(res, 400, "unsupported_grant_type", "Invalid grant_type: " + (form.get("grant_type") ?? ""));
    const parts = (form.get("assertion") ?? "").split(".");
    if (parts.length !== 3) return sendOAuthError(res, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    const [h, p, s] = parts as [string, string, string];
    let header: { alg?: string; typ?: string; kid?: string };
    let claims: { iss?: string; scope?: string; aud?: string; iat?: number; exp?: number };
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    } catch {
      return sendOAuthError(res, 400, "invalid_grant", "Invalid JWT: malformed");
    }
    if (header.alg !== "RS256") return sendOAuthError(res, 400, "invalid_grant", "Invalid JWT: alg must be RS256");
    const signatureOk = verify("sha256", Buffer.from(`${h}.${p}`), trustedPublicKey, Buffer.from(s, "base64url"));
    if (!signatureOk) return sendOAuthError(res, 400, "invalid_grant", "Invalid JWT Signature.");
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== d.info.serviceAccount.client_email) return sendOAuthError(res, 401, "invalid_client", "The OAuth client was not found.");
    if (claims.aud !== d.info.tokenUrl) return sendOAuthError(res, 400, "invalid_grant", "Invalid JWT: Failed audience check.");
    if (typeof claims.iat !== "number" || typeof claims.exp !== "number" || claims.exp - claims.iat > 3600 || claims.exp <= now || claims.iat > now + 60) {
      return sendOAuthError(res, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
    }
    if (typeof claims.scope !== "string" || claims.scope.trim() === "") return sendOAuthError(res, 400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    d.tokenGrants.push({ iss: claims.iss, scope: claims.scope, aud: claims.aud, iat: claims.iat, exp: claims.exp, ...(header.kid ? { kid: header.kid } : {}) });
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    d.tokens.set(accessToken, Date.now() + TOKEN_LIFETIME_SECONDS * 1000);
    sendJson(res, 200, { access_token: accessToken, expires_in: TOKEN_LIFETIME_SECONDS, token_type: "Bearer" });
  }

  function list(d: Drive, url: URL, res: ServerResponse, stale: boolean) {
    const q = url.searchParams.get("q");
    const query = q === null ? () => true : parseQuery(q, (id) => resolveId(d, id));
    const matches: typeof query = stale ? () => false : query;
    const orderBy = url.searchParams.get("orderBy");
    if (orderBy !== null && orderBy !== "createdTime" && orderBy !== "createdTime desc") return sendDriveError(res, 400, `Invalid Value`, "invalid", "orderBy");
    const items = [...d.folders.values(), ...d.files.values()]
      .map((item) => ({ item, resource: fileResource(item) }))
      .filter(({ item, resource }) => matches({ name: item.name, parents: item.parents, mimeType: resource.mimeType as string, trashed: false }));
    // Creation order is insertion order in the maps; Drive's own order without orderBy is unspecified.
    if (orderBy === "createdTime desc") items.reverse();
    const body = { kind: "drive#fileList", incompleteSearch: false, files: items.map((i) => i.resource) };
    sendJson(res, 200, selectFields(body, fieldsOf(url, DEFAULT_LIST_FIELDS), LIST_FIELDS, () => FILE_FIELDS));
  }

  async function createFolder(d: Drive, url: URL, req: IncomingMessage, res: ServerResponse) {
    const fields = fieldsOf(url, DEFAULT_FILE_FIELDS);
    const meta = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { name?: unknown; mimeType?: unknown; parents?: unknown };
    if (meta.mimeType !== FOLDER_MIME_TYPE) return sendDriveError(res, 400, "The fake creates folders only (use the resumable upload for files).", "badRequest");
    if (typeof meta.name !== "string" || meta.name === "") return sendDriveError(res, 400, "A folder needs a name.", "required", "name");
    const parents = Array.isArray(meta.parents) ? meta.parents.map(String).map((id) => resolveId(d, id)) : [d.myDriveId];
    if (parents.length !== 1) return sendDriveError(res, 403, "Increasing the number of parents is not allowed.", "cannotAddParent");
    if (!isFolder(d, parents[0]!)) return sendDriveError(res, 404, `File not found: ${parents[0]}.`, "notFound", "fileId");
    const folder: FakeFolder = { id: driveId(), name: meta.name, parents, createdTime: new Date().toISOString() };
    d.folders.set(folder.id, folder);
    sendJson(res, 200, selectFields(fileResource(folder), fields, FILE_FIELDS));
  }

  async function startUpload(d: Drive, url: URL, req: IncomingMessage, res: ServerResponse) {
    if (url.searchParams.get("uploadType") !== "resumable") return sendDriveError(res, 400, "The fake supports uploadType=resumable only.", "invalid", "uploadType");
    const fields = fieldsOf(url, DEFAULT_FILE_FIELDS);
    const size = Number(req.headers["x-upload-content-length"]);
    if (!Number.isSafeInteger(size) || size < 0) return sendDriveError(res, 400, "X-Upload-Content-Length is required for this fake.", "invalid", "X-Upload-Content-Length");
    const meta = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { name?: unknown; parents?: unknown; mimeType?: unknown; appProperties?: unknown };
    const parents = Array.isArray(meta.parents) ? meta.parents.map(String).map((id) => resolveId(d, id)) : [d.myDriveId];
    if (parents.length !== 1 || !isFolder(d, parents[0]!)) return sendDriveError(res, 404, `File not found: ${parents[0]}.`, "notFound", "fileId");
    const uploadType = req.headers["x-upload-content-type"];
    const mimeType = typeof meta.mimeType === "string" ? meta.mimeType : typeof uploadType === "string" ? uploadType : "application/octet-stream";
    const session: UploadSession = {
      uploadId: `ADPycd${randomBytes(24).toString("base64url")}`,
      metadata: {
        name: typeof meta.name === "string" ? meta.name : "Untitled",
        parents,
        mimeType,
        ...(meta.appProperties && typeof meta.appProperties === "object" ? { appProperties: meta.appProperties as Record<string, string> } : {}),
      },
      size,
      fields,
      chunks: [],
      received: 0,
      putCount: 0,
    };
    d.uploads.set(session.uploadId, session);
    res.writeHead(200, {
      Location: `${d.info.apiBaseUrl}/upload/drive/v3/files?uploadType=resumable&upload_id=${session.uploadId}`,
      "X-GUploader-UploadID": session.uploadId,
      "Content-Length": 0,
    });
    res.end();
  }

  function finishIfComplete(d: Drive, session: UploadSession) {
    if (session.file || session.received !== session.size) return;
    const hash = createHash("sha256");
    for (const chunk of session.chunks) hash.update(chunk);
    session.chunks = [];
    const file: FakeFile = { id: driveId(), ...session.metadata, size: session.size, sha256: hash.digest("hex"), createdTime: new Date().toISOString() };
    d.files.set(file.id, file);
    session.file = file;
  }

  function answerSession(d: Drive, session: UploadSession, res: ServerResponse) {
    if (session.file) return sendJson(res, 200, selectFields(fileResource(session.file), session.fields ?? DEFAULT_FILE_FIELDS, FILE_FIELDS));
    // 308 Resume Incomplete; Range says what was kept, and is absent when nothing was.
    res.writeHead(308, { ...(session.received > 0 ? { Range: `bytes=0-${session.received - 1}` } : {}), "Content-Length": 0 });
    res.end();
  }

  /** The PUT of bytes to a session, or the status query (`Content-Range: bytes * /size`). */
  async function putUpload(d: Drive, url: URL, req: IncomingMessage, res: ServerResponse, log: { operation: FakeDriveOperation }) {
    const session = d.uploads.get(url.searchParams.get("upload_id") ?? "");
    const range = req.headers["content-range"];
    const query = range !== undefined && /^bytes \*\/\d+$/.test(range);
    log.operation = query ? "upload.status" : "upload.put";
    if (!session) return sendDriveError(res, 404, "Upload session not found or expired.", "notFound");
    if (query) {
      if (Number(range!.slice("bytes */".length)) !== session.size) return sendDriveError(res, 400, "Content-Range total does not match the session size.", "badContent");
      const fault = takeFault(d, "upload.status");
      if (fault) return failRequest(req, res, fault);
      return answerSession(d, session, res);
    }
    if (session.file) return answerSession(d, session, res);
    let start = 0;
    let end = session.size - 1;
    if (range !== undefined) {
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
      if (!m || Number(m[3]) !== session.size) return sendDriveError(res, 400, `Invalid Content-Range ${range}.`, "badContent");
      start = Number(m[1]);
      end = Number(m[2]);
    }
    // A resume must start exactly where Drive's Range said: anything else means the client lost count.
    if (start !== session.received || end < start || end >= session.size) {
      return sendDriveError(res, 400, `Content-Range ${range ?? "(none)"} does not continue the ${session.received} bytes received.`, "badContent");
    }
    // Chunked bodies have no length to check against Content-Range; the client must send Content-Length.
    const declared = req.headers["content-length"];
    if (declared === undefined) return sendDriveError(res, 411, "Content-Length is required.", "lengthRequired");
    if (Number(declared) !== end - start + 1) return sendDriveError(res, 400, `Content-Length ${declared} does not match Content-Range ${range}.`, "badContent");
    session.putCount++;
    const fault = takeFault(d, "upload.put");
    if (fault && fault.afterBytes === undefined) return failRequest(req, res, fault);
    const keepAt = fault?.afterBytes ?? Infinity;
    let kept = 0;
    const ended = await receive(req, (chunk) => {
      const take = Math.min(chunk.length, keepAt - kept);
      if (take > 0) {
        session.chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
        session.received += take;
        kept += take;
      }
      return kept < keepAt;
    });
    // The client went away mid-body: Drive keeps what arrived, and so does the fake.
    if (ended === "aborted") return;
    if (fault) return failRequest(req, res, fault);
    finishIfComplete(d, session);
    answerSession(d, session, res);
  }

  async function failRequest(req: IncomingMessage, res: ServerResponse, fault: FakeDriveFault) {
    if (fault.drop) {
      res.socket?.destroy();
      return;
    }
    // The rest of the body is read and thrown away before answering: an answer sent mid-body reaches the
    // client only sometimes (it may see the connection reset first), and the fault should be deterministic.
    if (!req.complete) {
      req.resume();
      if ((await receive(req, () => true)) === "aborted") return;
    }
    if (fault.operation === "token") sendOAuthError(res, fault.status, fault.reason ?? "temporarily_unavailable", "Injected failure.");
    else sendDriveError(res, fault.status, "Injected failure.", fault.reason);
  }

  async function handleDrive(d: Drive, rest: string, url: URL, req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? "GET";
    const log: FakeDriveState["requests"][number] = {
      operation: "files.list",
      method,
      status: 0,
      ...(req.headers["content-length"] !== undefined ? { contentLength: Number(req.headers["content-length"]) } : {}),
    };
    d.requests.push(log);
    res.on("finish", () => {
      log.status = res.statusCode;
    });
    const route = `${method} ${rest}`;
    const operation: FakeDriveOperation | undefined =
      route === "POST /token" ? "token"
      : route === "GET /drive/v3/files" ? "files.list"
      : route === "POST /drive/v3/files" ? "files.create"
      : route === "POST /upload/drive/v3/files" ? "upload.init"
      : route === "PUT /upload/drive/v3/files" ? "upload.put"
      : undefined;
    if (!operation) return sendDriveError(res, 404, `The fake has no ${route}.`, "notFound");
    log.operation = operation;
    if (operation === "upload.put") return putUpload(d, url, req, res, log);
    const fault = takeFault(d, operation);
    if (fault && !fault.staleList) return failRequest(req, res, fault);
    if (operation === "token") return token(d, req, res);
    if (!authorized(d, req, res)) return;
    if (operation === "files.list") return list(d, url, res, !!fault?.staleList);
    if (operation === "files.create") return createFolder(d, url, req, res);
    return startUpload(d, url, req, res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const drivePath = /^\/d\/([0-9a-f]+)(\/.*)$/.exec(url.pathname);
    if (drivePath) {
      const d = drives.get(drivePath[1]!);
      if (!d) return sendDriveError(res, 404, "No such fake drive.", "notFound");
      return handleDrive(d, drivePath[2]!, url, req, res);
    }
    if (req.method === "POST" && url.pathname === "/__fake/drives") return sendJson(res, 201, createDrive());
    const control = /^\/__fake\/drives\/([0-9a-f]+)(\/faults)?$/.exec(url.pathname);
    if (control && !control[2] && req.method === "GET") {
      const s = state(control[1]!);
      return s ? sendJson(res, 200, s) : sendJson(res, 404, { error: "no such drive" });
    }
    if (control && control[2] && req.method === "POST") {
      if (!drives.has(control[1]!)) return sendJson(res, 404, { error: "no such drive" });
      addFault(control[1]!, JSON.parse((await readBody(req)).toString("utf8")) as FakeDriveFault);
      res.writeHead(204).end();
      return;
    }
    sendJson(res, 404, { error: "not found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof SyntaxFault) return sendDriveError(res, 400, e.message, "invalid", e.location);
      if (!res.headersSent) sendDriveError(res, 500, e instanceof Error ? e.message : String(e), "backendError");
      else res.destroy();
    });
  });
  const listening = await listenOnLoopback(server, opts.port);
  origin = listening.origin;
  return {
    ...listening,
    createDrive,
    state,
    addFault,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "9200" } } });
  const fake = await startFakeGoogleDrive({ port: Number(values.port) });
  const drive = fake.createDrive();
  console.log(`fake Google Drive on ${fake.origin}`);
  console.log(JSON.stringify({ GOOGLE_DRIVE_API_BASE_URL: drive.apiBaseUrl, GOOGLE_DRIVE_ROOT_FOLDER_ID: drive.rootFolderId, GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.serviceAccount) }, null, 2));
}
