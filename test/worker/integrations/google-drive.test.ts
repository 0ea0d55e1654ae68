/**
 * The Drive client inside workerd against the fake Google Drive (a Node server started by the worker
 * project's globalSetup): real HTTP, real JWT signatures, real resumable-upload protocol, real R2 streams.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../worker/lib/crypto";
import {
  createDriveClient,
  driveConfig,
  driveConfigFromEnv,
  DriveConfigError,
  DriveError,
  driveFileLink,
} from "../../../worker/integrations/google-drive";
import { newFakeDrive } from "./fake-drive";

const MiB = 1024 * 1024;
const fast = { resumeBaseDelayMs: 10 };

/** Bytes that differ at every offset (a shifted resume would change the digest). */
function patternBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const sha256 = async (bytes: Uint8Array) => toHex(await crypto.subtle.digest("SHA-256", bytes));

/** An R2 object of `size` pattern bytes, and a `reopen` that streams it from an offset while noting the offsets asked for. */
async function storedObject(size: number, seed: number) {
  const key = `test/drive/${crypto.randomUUID()}`;
  const bytes = patternBytes(size, seed);
  await env.MEDIA.put(key, bytes);
  const reopenedAt: number[] = [];
  const open = async () => (await env.MEDIA.get(key))!;
  const reopen = async (offset: number) => {
    reopenedAt.push(offset);
    return (await env.MEDIA.get(key, { range: { offset } }))!.body;
  };
  return { key, size, digest: await sha256(bytes), open, reopen, reopenedAt };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("configuration", () => {
  it("should be off when no service-account key is set", () => {
    expect(driveConfigFromEnv({})).toBeUndefined();
    expect(driveConfigFromEnv({ GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: "  ", GOOGLE_DRIVE_ROOT_FOLDER_ID: "x" })).toBeUndefined();
  });

  it("should default to Google's endpoints, the token URL from the key file first", async () => {
    const drive = await newFakeDrive();
    const { token_uri: _ignored, ...withoutTokenUri } = drive.serviceAccount;
    const plain = driveConfigFromEnv({ GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(withoutTokenUri) })!;
    expect(plain.apiBaseUrl).toBe("https://www.googleapis.com");
    expect(plain.oauthTokenUrl).toBe("https://oauth2.googleapis.com/token");
    expect(plain.rootFolderId).toBeUndefined();
    const fromKey = driveConfigFromEnv({
      GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.serviceAccount),
      GOOGLE_DRIVE_API_BASE_URL: `${drive.apiBaseUrl}/`,
      GOOGLE_DRIVE_ROOT_FOLDER_ID: drive.rootFolderId,
    })!;
    expect(fromKey).toMatchObject({ apiBaseUrl: drive.apiBaseUrl, oauthTokenUrl: drive.tokenUrl, rootFolderId: drive.rootFolderId });
    const overridden = driveConfigFromEnv({ GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.serviceAccount), GOOGLE_DRIVE_OAUTH_TOKEN_URL: "http://127.0.0.1:1/t" })!;
    expect(overridden.oauthTokenUrl).toBe("http://127.0.0.1:1/t");
  });

  it("should refuse a key that is set but unusable, without echoing it", async () => {
    const drive = await newFakeDrive();
    const secret = drive.serviceAccount.private_key;
    const bad = [
      "{not json",
      JSON.stringify({ ...drive.serviceAccount, client_email: "nobody" }),
      // PKCS#1 ("BEGIN RSA PRIVATE KEY") is what older tools write; Google's key files are PKCS#8.
      JSON.stringify({ ...drive.serviceAccount, private_key: secret.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY") }),
    ];
    for (const json of bad) {
      const error = (() => {
        try {
          driveConfigFromEnv({ GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: json });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DriveConfigError);
      expect(String(error)).not.toContain(secret.slice(40, 80));
    }
    expect(() => driveConfigFromEnv({ GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.serviceAccount), GOOGLE_DRIVE_API_BASE_URL: "ftp://x" })).toThrow(DriveConfigError);
  });
});

describe("service-account token", () => {
  it("should exchange an RS256 JWT the fake verifies, and reuse the token until it nears expiry", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config());
    await client.ensureFolderPath(["one"]);
    await client.ensureFolderPath(["two"]);
    const state = await drive.state();
    expect(state.tokenGrants).toHaveLength(1);
    const [grant] = state.tokenGrants;
    expect(grant).toMatchObject({ iss: drive.serviceAccount.client_email, scope: "https://www.googleapis.com/auth/drive.file", aud: drive.tokenUrl, kid: drive.serviceAccount.private_key_id });
    expect(grant!.exp - grant!.iat).toBeLessThanOrEqual(3600);
    expect(grant!.exp).toBeGreaterThan(Date.now() / 1000);
    expect(state.requests.filter((r) => r.operation === "token")).toHaveLength(1);
  });

  it("should fetch a new token once when Drive answers 401 to a cached one", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config());
    await client.ensureFolderPath(["before"]);
    await drive.fault({ operation: "files.list", status: 401, reason: "authError" });
    await client.ensureFolderPath(["after"]);
    expect((await drive.state()).tokenGrants).toHaveLength(2);
    await drive.fault({ operation: "files.list", status: 401, reason: "authError", times: 2 });
    expect(await rejection(client.ensureFolderPath(["again"]))).toMatchObject({ status: 401, reason: "authError", retryable: false });
  });

  it("should refuse a key the token endpoint does not trust, as a non-retryable DriveError", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config({ serviceAccountJson: drive.untrustedServiceAccount }));
    const error = await rejection(client.ensureFolderPath(["x"]));
    expect(error).toBeInstanceOf(DriveError);
    expect(error).toMatchObject({ operation: "token", status: 400, reason: "invalid_grant", retryable: false });
    const state = await drive.state();
    expect(state.tokenGrants).toHaveLength(0);
    expect(state.folders.map((f) => f.name)).not.toContain("x");
  });

  it("should refuse a PEM that is not an RSA PKCS#8 key before calling Google", async () => {
    const drive = await newFakeDrive();
    const garbage = `-----BEGIN PRIVATE KEY-----\n${btoa("not a key at all, just bytes")}\n-----END PRIVATE KEY-----\n`;
    const client = createDriveClient(drive.config({ serviceAccountJson: { ...drive.serviceAccount, private_key: garbage } }));
    const error = await rejection(client.ensureFolderPath(["x"]));
    expect(error).toMatchObject({ name: "DriveError", reason: "invalid_key", retryable: false });
    expect((await drive.state()).requests).toHaveLength(0);
  });
});

describe("ensureFolderPath", () => {
  const path = ["TikTok", "profile", "khaby.lame", "2025", "01"];

  it("should create the path once under the root folder and find it the second time", async () => {
    const drive = await newFakeDrive();
    const leaf = await createDriveClient(drive.config()).ensureFolderPath(path);

    const created = (await drive.state()).folders.filter((f) => f.id !== drive.rootFolderId);
    let parent = drive.rootFolderId;
    for (const name of path) {
      const folder = created.find((f) => f.name === name && f.parents[0] === parent);
      expect(folder, `${name} in ${parent}`).toBeDefined();
      parent = folder!.id;
    }
    expect(leaf).toBe(parent);
    expect(created).toHaveLength(path.length);

    // A new client (another isolate: nothing remembered) finds every folder and creates none.
    const before = (await drive.state()).requests.length;
    expect(await createDriveClient(drive.config()).ensureFolderPath(path)).toBe(leaf);
    const later = (await drive.state()).requests.slice(before);
    expect(later.filter((r) => r.operation === "files.create")).toHaveLength(0);
    expect(later.filter((r) => r.operation === "files.list")).toHaveLength(path.length);
  });

  it("should remember found folders for the client's life, and resolve concurrent callers once", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config());
    const ids = await Promise.all([client.ensureFolderPath(path), client.ensureFolderPath(path), client.ensureFolderPath(path)]);
    expect(new Set(ids).size).toBe(1);
    const before = (await drive.state()).requests.length;
    await client.ensureFolderPath(path);
    const state = await drive.state();
    expect(state.requests.length).toBe(before);
    expect(state.folders.filter((f) => f.name === "TikTok")).toHaveLength(1);
  });

  it("should settle on the oldest folder when another client created the same one meanwhile", async () => {
    const drive = await newFakeDrive();
    const other = await createDriveClient(drive.config()).ensureFolderPath(["race"]);
    // This client's first look misses the other's folder (sent just before it was created), so it creates a
    // duplicate; it must still continue in the other's, older folder, as the other client does.
    await drive.fault({ operation: "files.list", status: 200, staleList: true });
    const mine = await createDriveClient(drive.config()).ensureFolderPath(["race"]);
    const races = (await drive.state()).folders.filter((f) => f.name === "race");
    expect(races).toHaveLength(2);
    expect(mine).toBe(other);
  });

  it("should find and create names with quotes and backslashes exactly", async () => {
    const drive = await newFakeDrive();
    const names = ["it's", "back\\slash", "a'b\\'c", "O''Brien \\\\"];
    const leaf = await createDriveClient(drive.config()).ensureFolderPath(names);
    expect((await drive.state()).folders.map((f) => f.name)).toEqual(expect.arrayContaining(names));
    const before = (await drive.state()).requests.length;
    expect(await createDriveClient(drive.config()).ensureFolderPath(names)).toBe(leaf);
    const later = (await drive.state()).requests.slice(before);
    expect(later.every((r) => r.operation === "files.list" || r.operation === "token")).toBe(true);
    expect(later.every((r) => r.status === 200)).toBe(true);
  });

  it("should default to the account's own root without a root folder, and honour an explicit parent", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config({ rootFolderId: undefined }));
    const mine = await client.ensureFolderPath(["mine"]);
    const job = await client.ensureFolderPath(["job"], drive.rootFolderId);
    const { folders, myDriveId } = await drive.state();
    expect(folders.find((f) => f.id === mine)!.parents).toEqual([myDriveId]);
    expect(folders.find((f) => f.id === job)!.parents).toEqual([drive.rootFolderId]);
  });

  it("should surface 429 as a retryable DriveError with Drive's reason, and work once it passes", async () => {
    const drive = await newFakeDrive();
    await drive.fault({ operation: "files.list", status: 429 });
    const client = createDriveClient(drive.config());
    const error = await rejection(client.ensureFolderPath(["busy"]));
    expect(error).toBeInstanceOf(DriveError);
    expect(error).toMatchObject({ operation: "files.list", status: 429, reason: "rateLimitExceeded", retryable: true });
    await expect(client.ensureFolderPath(["busy"])).resolves.toEqual(expect.any(String));
  });

  it("should surface a missing parent as a non-retryable notFound", async () => {
    const drive = await newFakeDrive();
    const error = await rejection(createDriveClient(drive.config()).ensureFolderPath(["x"], "no-such-folder"));
    expect(error).toMatchObject({ operation: "files.create", status: 404, reason: "notFound", retryable: false });
  });
});

describe("uploadFile", () => {
  it("should stream a 2 MB+ R2 object in one PUT of known length and record it intact", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config(), fast);
    const folder = await client.ensureFolderPath(["uploads"]);
    const object = await storedObject(2 * MiB + 12_345, 1);
    const file = await client.uploadFile({
      name: "7123456789012345678.mp4",
      parentId: folder,
      contentType: "video/mp4",
      size: object.size,
      body: (await object.open()).body,
      reopen: object.reopen,
      appProperties: { tiktokId: "7123456789012345678" },
    });
    const state = await drive.state();
    expect(state.files).toEqual([
      expect.objectContaining({ id: file.id, name: "7123456789012345678.mp4", parents: [folder], mimeType: "video/mp4", size: object.size, sha256: object.digest, appProperties: { tiktokId: "7123456789012345678" } }),
    ]);
    expect(file.link).toBe(`https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`);
    // Streamed with a Content-Length (not chunked), in one transfer.
    const puts = state.requests.filter((r) => r.operation === "upload.put");
    expect(puts).toEqual([expect.objectContaining({ status: 200, contentLength: object.size })]);
    expect(object.reopenedAt).toEqual([]);
  });

  it("should resume from Drive's offset after a transfer fails mid-body with a 503", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config(), fast);
    const object = await storedObject(3 * MiB, 2);
    await drive.fault({ operation: "upload.put", status: 503, afterBytes: MiB + 7 });
    const file = await client.uploadFile({ name: "v.mp4", parentId: drive.rootFolderId, contentType: "video/mp4", size: object.size, body: (await object.open()).body, reopen: object.reopen });
    const state = await drive.state();
    expect(state.files).toEqual([expect.objectContaining({ id: file.id, size: object.size, sha256: object.digest })]);
    expect(object.reopenedAt).toEqual([MiB + 7]);
    expect(state.requests.filter((r) => r.operation.startsWith("upload.")).map((r) => r.operation)).toEqual(["upload.init", "upload.put", "upload.status", "upload.put"]);
  });

  it("should resume after the connection drops mid-body", async () => {
    const drive = await newFakeDrive();
    const client = createDriveClient(drive.config(), fast);
    const object = await storedObject(2 * MiB + 1, 3);
    await drive.fault({ operation: "upload.put", status: 0, afterBytes: 512 * 1024, drop: true });
    const file = await client.uploadFile({ name: "d.mp4", parentId: drive.rootFolderId, contentType: "video/mp4", size: object.size, body: (await object.open()).body, reopen: object.reopen });
    const state = await drive.state();
    expect(state.files).toEqual([expect.objectContaining({ id: file.id, size: object.size, sha256: object.digest })]);
    expect(object.reopenedAt).toEqual([512 * 1024]);
  });

  it("should give up with a retryable DriveError after its attempts, and not resume without reopen", async () => {
    const drive = await newFakeDrive();
    const object = await storedObject(300_000, 4);
    await drive.fault({ operation: "upload.put", status: 503, afterBytes: 1000, times: 10 });
    const client = createDriveClient(drive.config(), { uploadAttempts: 3, resumeBaseDelayMs: 1 });
    const error = await rejection(client.uploadFile({ name: "g.mp4", parentId: drive.rootFolderId, contentType: "video/mp4", size: object.size, body: (await object.open()).body, reopen: object.reopen }));
    expect(error).toMatchObject({ name: "DriveError", operation: "upload.put", status: 503, reason: "backendError", retryable: true });
    expect(object.reopenedAt).toEqual([1000, 2000]);
    expect((await drive.state()).files).toEqual([]);

    const once = createDriveClient(drive.config(), fast);
    const noReopen = await rejection(once.uploadFile({ name: "h.mp4", parentId: drive.rootFolderId, contentType: "video/mp4", size: object.size, body: (await object.open()).body }));
    expect(noReopen).toMatchObject({ name: "DriveError", status: 503, retryable: true });
    expect((await drive.state()).uploads.find((u) => u.name === "h.mp4")!.putCount).toBe(1);
  });

  it("should not resend a body Drive refuses for good", async () => {
    const drive = await newFakeDrive();
    const object = await storedObject(10_000, 5);
    await drive.fault({ operation: "upload.put", status: 403, reason: "storageQuotaExceeded" });
    const error = await rejection(
      createDriveClient(drive.config(), fast).uploadFile({ name: "q.mp4", parentId: drive.rootFolderId, contentType: "video/mp4", size: object.size, body: (await object.open()).body, reopen: object.reopen }),
    );
    expect(error).toMatchObject({ status: 403, reason: "storageQuotaExceeded", retryable: false });
    expect(object.reopenedAt).toEqual([]);
  });

  it("should upload small bytes (the metadata JSON) the same way", async () => {
    const drive = await newFakeDrive();
    const json = new TextEncoder().encode(JSON.stringify({ id: "7123", desc: "caf\u00e9 \u{1F600}" }));
    const file = await createDriveClient(drive.config()).uploadBytes({ name: "7123.json", parentId: drive.rootFolderId, contentType: "application/json", bytes: json });
    const state = await drive.state();
    expect(state.files).toEqual([expect.objectContaining({ id: file.id, name: "7123.json", size: json.byteLength, sha256: await sha256(json) })]);
    expect(state.requests.filter((r) => r.operation.startsWith("upload.")).map((r) => r.operation)).toEqual(["upload.init", "upload.put"]);
  });
});

describe("driveFileLink", () => {
  it("should prefer Drive's webViewLink and otherwise build the viewer URL", () => {
    expect(driveFileLink("abc", "https://drive.google.com/file/d/abc/view?usp=drivesdk")).toBe("https://drive.google.com/file/d/abc/view?usp=drivesdk");
    expect(driveFileLink("1aB-_x")).toBe("https://drive.google.com/file/d/1aB-_x/view");
  });
});

// driveConfig is the same parser without the environment names; the archiver may take a job's own folder.
it("should accept the key as an object too", async () => {
  const drive = await newFakeDrive();
  expect(driveConfig({ serviceAccountJson: drive.serviceAccount, apiBaseUrl: drive.apiBaseUrl }).serviceAccount.client_email).toBe(drive.serviceAccount.client_email);
});
