/**
 * The converter's logic (seed 001), without HTTP: conversions through the shared fetch task, seed-style
 * file names, per-service namespaces of names, conversion logs and stats.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { FetchSelection } from "../../../protocol/transcoder";
import { getDb } from "../../db/client";
import { CONVERSION_SERVICES, conversions } from "../../db/schema";
import { getConfig } from "../../env";
import { AppError } from "../../lib/errors";
import { randomHex } from "../../lib/ids";
import { fetchFailureToError, fetchMediaAndWait, sentence, type FailureWording } from "../../media/fetch-media";
import { extensionOf, isPublicName } from "../../media/names";
import { deleteName, findNamedFile, nameFile, type NamedFile } from "../../media/store";
import { resolveSource } from "../../sources/resolve";
import type { MediaService } from "../../sources/types";

export type ConverterService = (typeof CONVERSION_SERVICES)[number];

/** Names of each service live in their own namespace: a YouTube name is not downloadable via /api/tiktok. */
export const namespaceOf = (service: ConverterService) => `converter.${service}`;

export const isConverterTable = (table: string): table is ConverterService =>
  (CONVERSION_SERVICES as readonly string[]).includes(table);

const CONVERTER_FAILURES: FailureWording = {
  codes: {
    "source.unavailable": [404, "Content not found or no longer available"],
    "source.no_media": [404, "The post has no content of the requested type"],
    "source.private": [403, "This content is private"],
    "source.unsupported": [400, "Unsupported URL"],
    "source.blocked": [400, "Unsupported URL"],
    "source.too_large": [413, "The media exceeds the size limit"],
    // Unreachable is not missing: the source may be down, or this server offline. 502, naming the host.
    "source.unreachable": [502, sentence],
  },
  timeout: "Conversion is taking longer than expected; repeat the request to get the result",
  fallback: [502, "Conversion failed, please try again later"],
};

/** `My Video: Title!` → `my_video_title`; never empty, never longer than 80 characters. */
export function slugifyTitle(title: string, fallback: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 80)
    .replace(/_+$/, "");
  return slug || fallback;
}

interface ConvertInput {
  service: ConverterService;
  url: string;
  userId: number | null;
  select: FetchSelection;
  /** The named channel that hears the fetch task's events (media/progress-channel.ts), if the client asked. */
  progressChannel?: string;
  format: string;
  resolution?: string | null;
  /** Picks the file among the outputs and names it. */
  pick(outputs: { name: string; kind: string; fileId: string; index: number }[], title: string): { fileId: string; filename: string } | undefined;
}

async function recordConversion(env: Env, row: typeof conversions.$inferInsert): Promise<void> {
  await getDb(env).insert(conversions).values(row);
}

async function convert(env: Env, input: ConvertInput): Promise<{ filename: string }> {
  const base = { service: input.service, userId: input.userId, url: input.url.slice(0, 2048), format: input.format, resolution: input.resolution ?? null };
  try {
    if (!input.url.trim()) throw new AppError(400, "URL is required", "url.missing");
    const resolved = await resolveSource(input.url, { allowed: [input.service as MediaService], fixtureOrigin: getConfig(env).fixtureOrigin });
    if (!resolved.ok) throw new AppError(400, `Unsupported URL: ${resolved.message}`, resolved.code);
    const { source } = resolved;
    const outcome = await fetchMediaAndWait(
      env,
      { service: source.service, sourceId: source.id, canonicalUrl: source.canonicalUrl, fetchUrl: source.fetchUrl, select: input.select },
      { face: "converter", ownerUserId: input.userId, progressChannel: input.progressChannel },
    );
    if (!outcome.ok) throw fetchFailureToError(outcome.failure, CONVERTER_FAILURES);
    const picked = input.pick(outcome.result.outputs, outcome.result.title);
    if (!picked) throw new AppError(404, "The post has no content of the requested type", "source.no_media");
    const named = await nameFile(env, { namespace: namespaceOf(input.service), publicName: picked.filename, fileId: picked.fileId, ownerUserId: input.userId });
    // Names carry 32 random bits; a collision with another owner's name is refused, never re-pointed.
    if (!named.ok) throw new AppError(409, "File name collision, please retry", "name.taken");
    await recordConversion(env, { ...base, filename: picked.filename, status: "success", url: source.canonicalUrl });
    return { filename: picked.filename };
  } catch (err) {
    const message = err instanceof AppError ? err.message : "internal error";
    await recordConversion(env, { ...base, status: "error", message }).catch(() => undefined);
    throw err;
  }
}

const byIndex = <T extends { index: number }>(items: T[]) => [...items].sort((a, b) => a.index - b.index);

/** Options of every conversion that are not the request body. */
export interface ConvertOptions {
  progressChannel?: string;
}

export function convertYoutube(env: Env, userId: number, body: { url: string; format: "mp4" | "mp3"; resolution?: string }, opts: ConvertOptions = {}) {
  const resolution = body.format === "mp4" ? (body.resolution ?? "720p") : null;
  const select: FetchSelection =
    body.format === "mp3"
      ? { kind: "audio", audioFormat: "mp3", noWatermark: true, maxItems: 1, bundle: "none" }
      : { kind: "video", maxHeight: Number.parseInt(resolution ?? "720", 10), noWatermark: true, maxItems: 1, bundle: "none" };
  return convert(env, {
    service: "youtube",
    url: body.url,
    userId,
    select,
    format: body.format,
    resolution,
    progressChannel: opts.progressChannel,
    pick(outputs, title) {
      const first = byIndex(outputs.filter((o) => o.kind !== "archive"))[0];
      if (!first) return undefined;
      return { fileId: first.fileId, filename: `${slugifyTitle(title, "video")}_${randomHex(4)}.${body.format}` };
    },
  });
}

export function convertInstagram(env: Env, userId: number, body: { url: string; type: "video" | "image" }, opts: ConvertOptions = {}) {
  return convert(env, {
    service: "instagram",
    url: body.url,
    userId,
    select: { kind: body.type, noWatermark: true, maxItems: 20, bundle: "zip" },
    format: body.type === "video" ? "mp4" : "jpg",
    progressChannel: opts.progressChannel,
    pick(outputs) {
      const items = byIndex(outputs.filter((o) => o.kind !== "archive"));
      if (items.length === 0) return undefined;
      if (items.length === 1) {
        const [only] = items;
        return { fileId: only!.fileId, filename: `instagram_${body.type}_${randomHex(4)}.${extensionOf(only!.name)}` };
      }
      const archive = outputs.find((o) => o.kind === "archive");
      if (!archive) return undefined;
      return { fileId: archive.fileId, filename: `instagram_${randomHex(4)}.zip` };
    },
  });
}

export function convertTiktok(env: Env, userId: number | null, body: { url: string }, opts: ConvertOptions = {}) {
  return convert(env, {
    service: "tiktok",
    url: body.url,
    userId,
    select: { kind: "video", noWatermark: true, maxItems: 1, bundle: "none" },
    format: "mp4",
    progressChannel: opts.progressChannel,
    pick(outputs) {
      const video = byIndex(outputs.filter((o) => o.kind === "video"))[0];
      return video ? { fileId: video.fileId, filename: `tiktok_video_${randomHex(4)}.mp4` } : undefined;
    },
  });
}

/**
 * Files converted by a signed-in user belong to that user: only they can download or delete them, and to
 * anyone else such a file does not exist (same answer as an unknown name). Anonymous conversions (TikTok
 * without a token) stay reachable by name, as documented.
 */
export async function findConverted(env: Env, service: ConverterService, filename: string, callerId: number | null): Promise<NamedFile | undefined> {
  if (!isPublicName(filename)) return undefined;
  return findNamedFile(env, namespaceOf(service), filename, { caller: callerId });
}

export async function deleteConverted(env: Env, service: ConverterService, filename: string, callerId: number | null): Promise<boolean> {
  if (!isPublicName(filename)) return false;
  return deleteName(env, namespaceOf(service), filename, { caller: callerId });
}

/** The caller's own conversions of one service, oldest first, one tab-separated line each. */
export async function conversionLog(env: Env, userId: number, username: string, service: ConverterService): Promise<string> {
  const rows = await getDb(env)
    .select()
    .from(conversions)
    .where(and(eq(conversions.service, service), eq(conversions.userId, userId)))
    .orderBy(asc(conversions.createdAt), asc(conversions.id))
    .limit(10_000);
  const clean = (v: string | null | undefined) => (v ?? "-").replace(/[\t\r\n]+/g, " ");
  const lines = rows.map((r) =>
    [r.createdAt.toISOString(), r.status, r.format, clean(r.resolution), clean(r.filename), clean(r.url), clean(r.message)].join("\t"),
  );
  const header = `# ${service} conversions of ${username}: ${rows.length}\n# time\tstatus\tformat\tresolution\tfilename\turl\tmessage`;
  return `${[header, ...lines].join("\n")}\n`;
}

export async function conversionStats(env: Env, service: ConverterService) {
  const row = await getDb(env)
    .select({
      total: sql<number>`count(*)`,
      mp3: sql<number>`coalesce(sum(case when ${conversions.format} = 'mp3' then 1 else 0 end), 0)`,
      mp4: sql<number>`coalesce(sum(case when ${conversions.format} = 'mp4' then 1 else 0 end), 0)`,
    })
    .from(conversions)
    .where(and(eq(conversions.service, service), eq(conversions.status, "success")))
    .get();
  return { total: row?.total ?? 0, mp3: row?.mp3 ?? 0, mp4: row?.mp4 ?? 0 };
}
