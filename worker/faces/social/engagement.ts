/**
 * Likes, comments and views of seed 002, without HTTP. Each targets exactly one story or reel (the
 * request schemas refuse anything else). A reel's counters change in the same D1 batch as the row they
 * count, so they never drift: a like recounts (adding twice is a no-op), a comment or view adds or takes one.
 */
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "../../db/client";
import { socialComments, socialLikes, socialReels, socialStories, socialViews } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { assertMayChange, assertMayWrite, type Actor } from "./access";
import { MESSAGES } from "./service";

export interface Target {
  story_id?: number;
  reels_id?: number;
}

const ENGAGEMENT_MESSAGES = {
  likeAdded: "Лайк успешно добавлен",
  likeRemoved: "Лайк успешно удалён",
  commentAdded: "Комментарий успешно добавлен",
  commentRemoved: "Комментарий успешно удалён",
  commentMissing: "Комментарий не найден",
  viewAdded: "Просмотр успешно добавлен",
  viewRemoved: "Просмотр успешно удалён",
  viewMissing: "Просмотр не найден",
} as const;

/** 404 when the story or reel does not exist. */
async function assertTarget(env: Env, t: Target): Promise<void> {
  const db = getDb(env);
  if (t.story_id !== undefined) {
    const found = await db.select({ id: socialStories.id }).from(socialStories).where(eq(socialStories.id, t.story_id)).get();
    if (!found) throw new AppError(404, MESSAGES.storyMissing, "story.missing");
  } else if (t.reels_id !== undefined) {
    const found = await db.select({ id: socialReels.id }).from(socialReels).where(eq(socialReels.id, t.reels_id)).get();
    if (!found) throw new AppError(404, MESSAGES.reelMissing, "reel.missing");
  }
}

type TargetTable = typeof socialLikes | typeof socialComments | typeof socialViews;

function onTarget(table: TargetTable, t: Target): SQL | undefined {
  if (t.story_id !== undefined && t.reels_id !== undefined) return and(eq(table.storyId, t.story_id), eq(table.reelsId, t.reels_id));
  if (t.story_id !== undefined) return eq(table.storyId, t.story_id);
  if (t.reels_id !== undefined) return eq(table.reelsId, t.reels_id);
  return undefined;
}

const targetFields = (r: { id: number; userId: number; storyId: number | null; reelsId: number | null }) => ({
  id: r.id,
  user_id: r.userId,
  story_id: r.storyId,
  reels_id: r.reelsId,
});

// ───────────── likes ─────────────

/** The reel's like counter, recounted from its likes (exact however often the batch is replayed). */
const recountLikes = (env: Env, reelId: number) =>
  getDb(env)
    .update(socialReels)
    .set({ likesCount: sql`(SELECT count(*) FROM ${socialLikes} WHERE ${socialLikes.reelsId} = ${reelId})` })
    .where(eq(socialReels.id, reelId));

export async function addLike(env: Env, actor: Actor, input: Target & { user_id: number }) {
  await assertTarget(env, input);
  const db = getDb(env);
  const insert = db
    .insert(socialLikes)
    .values({ userId: input.user_id, storyId: input.story_id ?? null, reelsId: input.reels_id ?? null, creatorUserId: actor.caller?.userId ?? null })
    .onConflictDoNothing();
  if (input.reels_id !== undefined) await db.batch([insert, recountLikes(env, input.reels_id)]);
  else await insert;
  const like = await db
    .select()
    .from(socialLikes)
    .where(and(onTarget(socialLikes, input), eq(socialLikes.userId, input.user_id)))
    .get();
  if (!like) throw new AppError(404, input.story_id !== undefined ? MESSAGES.storyMissing : MESSAGES.reelMissing);
  return { ...targetFields(like), message: ENGAGEMENT_MESSAGES.likeAdded };
}

/** Removing a like that is not there changes nothing and answers the same. */
export async function removeLike(env: Env, actor: Actor, input: Target & { user_id: number }) {
  const db = getDb(env);
  const where = and(onTarget(socialLikes, input), eq(socialLikes.userId, input.user_id));
  const like = await db.select().from(socialLikes).where(where).get();
  if (!like) {
    assertMayWrite(actor);
    return { message: ENGAGEMENT_MESSAGES.likeRemoved };
  }
  assertMayChange(actor, like.creatorUserId);
  const remove = db.delete(socialLikes).where(eq(socialLikes.id, like.id));
  if (like.reelsId !== null) await db.batch([remove, recountLikes(env, like.reelsId)]);
  else await remove;
  return { message: ENGAGEMENT_MESSAGES.likeRemoved };
}

/**
 * One more comment or view on a reel: batched with the row's insert, so the counter the reels list sorts
 * by moves in the same transaction as the row it counts.
 */
function bumpReel(env: Env, reelId: number, counter: "commentCount" | "viewsCount") {
  return getDb(env)
    .update(socialReels)
    .set({ [counter]: sql`${socialReels[counter]} + 1` })
    .where(eq(socialReels.id, reelId));
}

function firstRow<T>(rows: T[], what: string): T {
  const [row] = rows;
  if (!row) throw new Error(`${what} insert returned no row`);
  return row;
}

// ───────────── comments ─────────────

export async function addComment(env: Env, actor: Actor, input: Target & { user_id: number; comment: string }) {
  await assertTarget(env, input);
  const db = getDb(env);
  const insert = db
    .insert(socialComments)
    .values({
      userId: input.user_id,
      storyId: input.story_id ?? null,
      reelsId: input.reels_id ?? null,
      comment: input.comment,
      creatorUserId: actor.caller?.userId ?? null,
    })
    .returning();
  const row = firstRow(input.reels_id === undefined ? await insert : (await db.batch([insert, bumpReel(env, input.reels_id, "commentCount")]))[0], "comment");
  return { ...targetFields(row), comment: row.comment, message: ENGAGEMENT_MESSAGES.commentAdded };
}

export async function listComments(env: Env, q: Target & { limit: number; offset: number }) {
  const db = getDb(env);
  const where = onTarget(socialComments, q);
  const [total, rows] = await Promise.all([
    db.select({ n: sql<number>`count(*)` }).from(socialComments).where(where).get(),
    db.select().from(socialComments).where(where).orderBy(asc(socialComments.id)).limit(q.limit).offset(q.offset),
  ]);
  return { count: total?.n ?? 0, comments: rows.map((r) => ({ ...targetFields(r), comment: r.comment })) };
}

export async function removeComment(env: Env, actor: Actor, id: number) {
  const db = getDb(env);
  const comment = await db.select().from(socialComments).where(eq(socialComments.id, id)).get();
  if (!comment) throw new AppError(404, ENGAGEMENT_MESSAGES.commentMissing, "comment.missing");
  assertMayChange(actor, comment.creatorUserId);
  // The counter update only matches while the comment still exists: a concurrent second removal takes nothing off.
  await db.batch([
    db
      .update(socialReels)
      .set({ commentCount: sql`max(${socialReels.commentCount} - 1, 0)` })
      .where(eq(socialReels.id, sql`(SELECT ${socialComments.reelsId} FROM ${socialComments} WHERE ${socialComments.id} = ${id})`)),
    db.delete(socialComments).where(eq(socialComments.id, id)),
  ]);
  return { message: ENGAGEMENT_MESSAGES.commentRemoved };
}

// ───────────── views ─────────────

export async function addView(env: Env, actor: Actor, input: Target & { user_id: number }) {
  await assertTarget(env, input);
  const db = getDb(env);
  const insert = db
    .insert(socialViews)
    .values({ userId: input.user_id, storyId: input.story_id ?? null, reelsId: input.reels_id ?? null, creatorUserId: actor.caller?.userId ?? null })
    .returning();
  const row = firstRow(input.reels_id === undefined ? await insert : (await db.batch([insert, bumpReel(env, input.reels_id, "viewsCount")]))[0], "view");
  return { ...targetFields(row), message: ENGAGEMENT_MESSAGES.viewAdded };
}

export async function listViews(env: Env, q: Target & { user_id?: number; limit: number; offset: number }) {
  const db = getDb(env);
  const where = and(onTarget(socialViews, q), q.user_id !== undefined ? eq(socialViews.userId, q.user_id) : undefined);
  const [total, rows] = await Promise.all([
    db.select({ n: sql<number>`count(*)` }).from(socialViews).where(where).get(),
    db.select().from(socialViews).where(where).orderBy(asc(socialViews.id)).limit(q.limit).offset(q.offset),
  ]);
  return { count: total?.n ?? 0, views: rows.map(targetFields) };
}

/** Views of one story or reel: 404 when it does not exist. */
export async function viewsOfTarget(env: Env, q: Target & { limit: number; offset: number }) {
  await assertTarget(env, q);
  return listViews(env, q);
}

export async function removeView(env: Env, actor: Actor, id: number) {
  const db = getDb(env);
  const view = await db.select().from(socialViews).where(eq(socialViews.id, id)).get();
  if (!view) throw new AppError(404, ENGAGEMENT_MESSAGES.viewMissing, "view.missing");
  assertMayChange(actor, view.creatorUserId);
  await db.batch([
    db
      .update(socialReels)
      .set({ viewsCount: sql`max(${socialReels.viewsCount} - 1, 0)` })
      .where(eq(socialReels.id, sql`(SELECT ${socialViews.reelsId} FROM ${socialViews} WHERE ${socialViews.id} = ${id})`)),
    db.delete(socialViews).where(eq(socialViews.id, id)),
  ]);
  return { message: ENGAGEMENT_MESSAGES.viewRemoved };
}
