/**
 * The multipart forms of seed 002's story and reel uploads, typed from schema.d.ts, and the limits the
 * platform documents for them. The limits are read from the platform's own OpenAPI document at run time
 * (openapi-typescript keeps `maxLength` / `maxItems` only as comments, not as types), so the page checks
 * exactly what the upload routes enforce.
 */
import type { paths } from "../../api/schema";

type Post<P extends keyof paths> = paths[P] extends { post: infer Op } ? Op : never;
type MultipartOf<P extends keyof paths> = Post<P> extends { requestBody: { content: { "multipart/form-data": infer F } } } ? F : never;
type JsonOk<P extends keyof paths> = Post<P> extends { responses: { 200: { content: { "application/json": infer R } } } } ? R : never;

export const REEL_UPLOAD_PATH = "/api/v1/reels/reels/upload";
export const STORY_UPLOAD_PATH = "/api/v1/stories/upload";

export type ReelForm = MultipartOf<typeof REEL_UPLOAD_PATH>;
export type StoryForm = MultipartOf<typeof STORY_UPLOAD_PATH>;
export type ReelCreated = JsonOk<typeof REEL_UPLOAD_PATH>;
export type StoryCreated = JsonOk<typeof STORY_UPLOAD_PATH>;

/** The file field of each form, by its schema name (a renamed field fails the typecheck here). */
export const REEL_FILE_FIELD = "file" satisfies keyof ReelForm;
export const STORY_FILE_FIELD = "files" satisfies keyof StoryForm;

/** The localized title and description fields both forms share. */
export type TextField = Exclude<keyof ReelForm & keyof StoryForm, typeof REEL_FILE_FIELD | typeof STORY_FILE_FIELD>;

export type FieldLanguage = "en" | "kk" | "ru";
/** Every text field once (a Record, so a field added to the schema must be added here), in display order. */
export const TEXT_FIELDS: Record<TextField, { language: FieldLanguage; kind: "title" | "description" }> = {
  en_title: { language: "en", kind: "title" },
  en_description: { language: "en", kind: "description" },
  kk_title: { language: "kk", kind: "title" },
  kk_description: { language: "kk", kind: "description" },
  ru_title: { language: "ru", kind: "title" },
  ru_description: { language: "ru", kind: "description" },
};
export const TEXT_FIELD_NAMES = Object.keys(TEXT_FIELDS) as TextField[];

export interface UploadLimits {
  /** Characters per text field (the same for stories and reels). */
  maxLength: Partial<Record<TextField, number>>;
  /** Files in one story. */
  maxStoryFiles: number | undefined;
}

const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((at, key) => (typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined), value);
const numberOr = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

function formProperties(document: unknown, path: string): unknown {
  return get(document, "paths", path, "post", "requestBody", "content", "multipart/form-data", "schema", "properties");
}

/** The limits from an OpenAPI document (both upload forms; the smaller when they differ). */
export function limitsFrom(document: unknown): UploadLimits {
  const reel = formProperties(document, REEL_UPLOAD_PATH);
  const story = formProperties(document, STORY_UPLOAD_PATH);
  const maxLength: Partial<Record<TextField, number>> = {};
  for (const field of TEXT_FIELD_NAMES) {
    const found = [numberOr(get(reel, field, "maxLength")), numberOr(get(story, field, "maxLength"))].filter((n) => n !== undefined);
    if (found.length > 0) maxLength[field] = Math.min(...found);
  }
  return { maxLength, maxStoryFiles: numberOr(get(story, STORY_FILE_FIELD, "maxItems")) };
}

let loading: Promise<UploadLimits> | undefined;

/** The platform's documented limits, fetched once per page load; none (the server still checks) when unreachable. */
export function loadLimits(): Promise<UploadLimits> {
  loading ??= fetch(new URL("/openapi.json", location.origin))
    .then((res) => (res.ok ? res.json() : undefined))
    .then((document: unknown) => limitsFrom(document))
    .catch(() => {
      loading = undefined;
      return { maxLength: {}, maxStoryFiles: undefined };
    });
  return loading;
}
