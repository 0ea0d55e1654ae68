/**
 * Configuration of the Google Drive client: the service-account key file Google issues, and the endpoints
 * (configurable so tests, and deployments behind a proxy, can point the real client elsewhere).
 */
import { z } from "zod";

export const DRIVE_API_BASE_URL = "https://www.googleapis.com";
export const GOOGLE_OAUTH_TOKEN_URL = "https://oauth2.googleapis.com/token";

const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * The JSON key file of a Google service account (IAM → service account → Keys → JSON). Only the fields the
 * client reads are checked; Google's other fields (project_id, client_id, auth_uri, ...) are ignored.
 */
export const serviceAccountKeySchema = z.object({
  type: z.literal("service_account").optional(),
  client_email: z.email(),
  /** PKCS#8 PEM, as Google writes it (`-----BEGIN PRIVATE KEY-----`); PKCS#1 keys are refused by jose's importPKCS8. */
  private_key: z.string().regex(/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/, "a PKCS#8 PEM private key"),
  private_key_id: z.string().min(1).optional(),
  token_uri: httpUrl.optional(),
});
export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

export interface DriveConfig {
  serviceAccount: ServiceAccountKey;
  /** Origin (and optional path prefix) the `/drive/v3` and `/upload/drive/v3` paths are appended to. */
  apiBaseUrl: string;
  /** Where the signed JWT is exchanged; also the JWT's `aud`. */
  oauthTokenUrl: string;
  /** A folder shared with the service account: the default parent of folder paths (else the account's own "root"). */
  rootFolderId?: string;
}

/** The environment names the caller reads (see worker/env.ts). */
export interface DriveEnv {
  GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON?: string;
  GOOGLE_DRIVE_API_BASE_URL?: string;
  GOOGLE_DRIVE_OAUTH_TOKEN_URL?: string;
  GOOGLE_DRIVE_ROOT_FOLDER_ID?: string;
}

/** A present but unusable Drive configuration: deployments should fail loudly rather than skip delivery. */
export class DriveConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DriveConfigError";
  }
}

const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * Builds a DriveConfig from already-parsed values. Accepts the key as JSON text or as an object.
 * Errors name the field at fault but never echo the key's contents.
 */
export function driveConfig(input: {
  serviceAccountJson: string | unknown;
  apiBaseUrl?: string;
  oauthTokenUrl?: string;
  rootFolderId?: string;
}): DriveConfig {
  let raw: unknown = input.serviceAccountJson;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new DriveConfigError("GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON is not valid JSON");
    }
  }
  const key = serviceAccountKeySchema.safeParse(raw);
  if (!key.success) {
    const fields = [...new Set(key.error.issues.map((i) => i.path.join(".") || "(root)"))].join(", ");
    throw new DriveConfigError(`GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON is not a service-account key (check: ${fields})`);
  }
  const url = (name: string, value: string | undefined, fallback: string) => {
    if (value === undefined) return fallback;
    if (!httpUrl.safeParse(value).success) throw new DriveConfigError(`${name} is not an http(s) URL`);
    return withoutTrailingSlash(value);
  };
  return {
    serviceAccount: key.data,
    apiBaseUrl: url("GOOGLE_DRIVE_API_BASE_URL", trimmed(input.apiBaseUrl), DRIVE_API_BASE_URL),
    oauthTokenUrl: url("GOOGLE_DRIVE_OAUTH_TOKEN_URL", trimmed(input.oauthTokenUrl), key.data.token_uri ?? GOOGLE_OAUTH_TOKEN_URL),
    rootFolderId: trimmed(input.rootFolderId),
  };
}

/**
 * Drive's configuration from the environment: undefined when no key is set (Drive delivery is off),
 * a DriveConfigError when a key is set but unusable.
 */
export function driveConfigFromEnv(env: DriveEnv): DriveConfig | undefined {
  const json = trimmed(env.GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON);
  if (json === undefined) return undefined;
  return driveConfig({
    serviceAccountJson: json,
    apiBaseUrl: env.GOOGLE_DRIVE_API_BASE_URL,
    oauthTokenUrl: env.GOOGLE_DRIVE_OAUTH_TOKEN_URL,
    rootFolderId: env.GOOGLE_DRIVE_ROOT_FOLDER_ID,
  });
}
