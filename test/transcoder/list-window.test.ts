/**
 * The list window's rules as data: what a listing keeps and where it stops reading. The end-to-end
 * listing (list.test.ts) reads one RSS feed; here the cases a paged TikTok profile brings: pinned old
 * posts first, and a walk that must end once it has passed `since`.
 */
import { describe, expect, it } from "vitest";
import type { ListEntry } from "../../protocol/transcoder.ts";
import { DATED_SCAN_MAX, PINNED_SLACK, entriesToRead, listWindow, type ListWindowOptions } from "../../containers/transcoder/src/lib/list-window.ts";

const entry = (id: number, timestamp?: number): ListEntry => ({
  id: String(id),
  url: `https://www.tiktok.com/@u/video/${id}`,
  ...(timestamp === undefined ? {} : { timestamp }),
});

/** Offers entries in order until the window says stop; what it read and what it answers. */
const walk = (opts: ListWindowOptions, entries: ListEntry[]) => {
  const window = listWindow(opts);
  let read = 0;
  for (const e of entries) {
    read += 1;
    if (!window.offer(e)) break;
  }
  return { read, ids: window.entries().map((e) => Number(e.id)) };
};

/** A profile of `n` posts, newest first, one a day back from t = 1000 days. */
const profile = (n: number, pinned: ListEntry[] = []) => [...pinned, ...Array.from({ length: n }, (_, i) => entry(100 + i, (1000 - i) * 86_400))];

describe("listWindow", () => {
  it("should stop reading once limit entries (plus the pinned slack) are kept", () => {
    const { read, ids } = walk({ limit: 5 }, profile(50));
    expect(ids).toEqual([100, 101, 102, 103, 104]);
    expect(read).toBe(5 + PINNED_SLACK);
  });

  it("should put old pinned posts back in time order instead of letting them take the newest places", () => {
    const pinned = [entry(1, 10 * 86_400), entry(2, 20 * 86_400)];
    expect(walk({ limit: 3 }, profile(50, pinned)).ids).toEqual([100, 101, 102]);
  });

  it("should not stop at old pinned posts when since is set, but stop after the first unpinned older post", () => {
    const pinned = [entry(1, 10 * 86_400), entry(2, 20 * 86_400), entry(3, 30 * 86_400)];
    const since = 990 * 86_400;
    const { read, ids } = walk({ limit: 100, since }, profile(50, pinned));
    expect(ids).toEqual(Array.from({ length: 11 }, (_, i) => 100 + i));
    // 3 pinned + 11 inside the window + the first one older: nothing after it can be newer.
    expect(read).toBe(3 + 11 + 1);
  });

  it("should skip entries newer than until and keep reading", () => {
    const { ids } = walk({ limit: 2, until: 995 * 86_400 }, profile(50));
    expect(ids).toEqual([105, 106]);
  });

  it("should keep entries without a time whatever the window, in source order", () => {
    const { ids } = walk({ limit: 10, since: 999 * 86_400 }, [entry(7), entry(100, 1000 * 86_400), entry(8)]);
    expect(ids).toEqual([7, 100, 8]);
  });

  it("should keep an id once", () => {
    expect(walk({ limit: 10 }, [entry(1, 5), entry(1, 5), entry(2, 4)]).ids).toEqual([1, 2]);
  });
});

describe("entriesToRead", () => {
  it("should ask yt-dlp for the limit and the pinned slack without dates, and for a bounded walk with them", () => {
    expect(entriesToRead({ limit: 50 })).toBe(50 + PINNED_SLACK);
    expect(entriesToRead({ limit: 50, since: 1 })).toBe(DATED_SCAN_MAX);
    expect(entriesToRead({ limit: 50, until: 1 })).toBe(DATED_SCAN_MAX);
  });
});
