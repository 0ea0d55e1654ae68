/**
 * Removing everything a record stored: its registered files (rows and objects, through the media store)
 * and every other object under its R2 prefixes (renditions, segments and posters that later tasks write
 * there), so a removal leaves nothing orphaned.
 */
import { and, gte, lt } from "drizzle-orm";
import { getDb } from "../../db/client";
import { files } from "../../db/schema";
import { deleteFiles } from "../../media/store";

/** The smallest string greater than every string starting with `prefix` (prefixes here are ASCII). */
const prefixEnd = (prefix: string) => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

/** Rows per look-up; each round deletes what it found, so the next look-up starts over. */
const PAGE = 500;

export async function purgeStored(env: Env, input: { fileIds: (string | null)[]; prefixes: string[] }): Promise<void> {
  const ids = input.fileIds.filter((id): id is string => !!id);
  if (ids.length > 0) await deleteFiles(env, ids);
  const db = getDb(env);
  for (const prefix of input.prefixes) {
    for (;;) {
      const rows = await db
        .select({ id: files.id })
        .from(files)
        .where(and(gte(files.r2Key, prefix), lt(files.r2Key, prefixEnd(prefix))))
        .limit(PAGE);
      if (rows.length > 0) await deleteFiles(env, rows.map((r) => r.id));
      if (rows.length < PAGE) break;
    }
    let cursor: string | undefined;
    do {
      const listed = await env.MEDIA.list({ prefix, cursor, limit: 1000 });
      if (listed.objects.length > 0) await env.MEDIA.delete(listed.objects.map((o) => o.key));
      cursor = listed.truncated ? listed.cursor : undefined;
    } while (cursor);
  }
}
