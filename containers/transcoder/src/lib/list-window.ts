/**
 * Which entries of a profile or hashtag a `list` keeps, and when reading further cannot change the
 * answer. Pure, so the rules are testable without yt-dlp.
 *
 * TikTok lists a profile newest first, except that up to three pinned posts, of any age, come first.
 * So an entry older than `since` does not end the walk by itself; the fourth one does, because at most
 * three of them can be pinned and every entry after an unpinned one is older still. For the same
 * reason the window keeps `limit + 3` entries before stopping, sorts by time and then cuts at `limit`.
 */
import type { ListEntry } from "../../../../protocol/transcoder.ts";

export const PINNED_SLACK = 3;

/**
 * How far yt-dlp may read when a date window applies and nothing else stops it: a bound on a walk
 * whose end depends on the source's dates (≈ 330 of TikTok's 15-entry pages).
 */
export const DATED_SCAN_MAX = 5000;

export type ListWindowOptions = { limit: number; since?: number; until?: number };

export type ListWindow = {
  /** Offers the next entry in source order; false once no later entry can enter the answer. */
  offer(entry: ListEntry): boolean;
  /** How many entries are kept so far (may pass `limit` by the pinned slack). */
  size(): number;
  /** The kept entries, newest first when every one has a time (source order otherwise), at most `limit`. */
  entries(): ListEntry[];
};

/** How many entries yt-dlp is asked for (`--playlist-end`). */
export const entriesToRead = (opts: ListWindowOptions): number =>
  opts.since === undefined && opts.until === undefined ? opts.limit + PINNED_SLACK : Math.max(DATED_SCAN_MAX, opts.limit + PINNED_SLACK);

export const listWindow = (opts: ListWindowOptions): ListWindow => {
  const kept: ListEntry[] = [];
  const seen = new Set<string>();
  let olderThanSince = 0;
  return {
    offer(entry) {
      if (seen.has(entry.id)) return true;
      seen.add(entry.id);
      const t = entry.timestamp;
      if (t !== undefined && opts.since !== undefined && t < opts.since) {
        olderThanSince += 1;
        return olderThanSince <= PINNED_SLACK;
      }
      if (t !== undefined && opts.until !== undefined && t > opts.until) return true;
      kept.push(entry);
      return kept.length < opts.limit + PINNED_SLACK;
    },
    size: () => kept.length,
    entries() {
      const timed = kept.every((e) => e.timestamp !== undefined);
      const ordered = timed ? [...kept].sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0)) : kept;
      return ordered.slice(0, opts.limit);
    },
  };
};
