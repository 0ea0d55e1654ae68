/** Requests as seed 002's curl examples send them: `-F` (multipart), `-d` (form-urlencoded), JSON. */
import { env } from "cloudflare:workers";
import { call } from "../../support/http";

export type Part = string | { bytes: Uint8Array; filename: string; type: string };

/** `curl -F name=value -F name=@file` */
export function multipart(path: string, parts: [string, Part][], init: { method?: string; headers?: Record<string, string> } = {}) {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, new File([value.bytes], value.filename, { type: value.type }), value.filename);
  }
  return call(path, { method: init.method ?? "POST", body: form, headers: init.headers });
}

/** `curl -X <method> -H "Content-Type: application/x-www-form-urlencoded" -d "a=1&b=2"` */
export function formEncoded(path: string, body: string, method = "POST", headers: Record<string, string> = {}) {
  return call(path, { method, headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body });
}

export async function jsonOf<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Every R2 key under a prefix. */
export async function r2Keys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.MEDIA.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

/** The R2 prefix a story or reel keeps its objects under (read from its row). */
export async function prefixOf(table: "social_stories" | "social_reels" | "social_videos" | "social_photos", id: number): Promise<string> {
  const row = await env.DB.prepare(`SELECT r2_prefix FROM ${table} WHERE id = ?`).bind(id).first<{ r2_prefix: string }>();
  if (!row) throw new Error(`no ${table} row ${id}`);
  return row.r2_prefix;
}
