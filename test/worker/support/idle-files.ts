import { getDb } from "../../../worker/db/client";
import { fileNames, files } from "../../../worker/db/schema";

/** Rows per INSERT: files take 9 parameters a row, names 4, and a statement may bind at most 100. */
const ROWS_PER_INSERT = 10;

/**
 * Many collectable files at once, straight into R2 and D1 (each with a saver name), so a test can hold
 * more idle files than one statement may list without spending seconds on the upload path.
 */
export async function seedIdleFiles(env: Env, count: number, lastAccessedAt: number) {
  const db = getDb(env);
  const run = crypto.randomUUID().slice(0, 8);
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `idle-${run}-${i}`,
    r2Key: `test/idle/${run}/${i}.mp4`,
    size: 3,
    contentType: "video/mp4",
    etag: `"e${i}"`,
    createdAt: new Date(lastAccessedAt),
    lastAccessedAt: new Date(lastAccessedAt),
  }));
  await Promise.all(rows.map((r) => env.MEDIA.put(r.r2Key, "abc")));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const part = rows.slice(i, i + ROWS_PER_INSERT);
    await db.insert(files).values(part);
    await db.insert(fileNames).values(part.map((r) => ({ namespace: "saver", publicName: `${r.id}.mp4`, fileId: r.id })));
  }
  return rows;
}
