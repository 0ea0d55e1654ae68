/**
 * Hands each HLS segment on as soon as ffmpeg has finished it, while ffmpeg keeps encoding. ffmpeg
 * lists a segment in its (atomically replaced) media playlist only once the segment is complete, so
 * the playlists are polled and each newly listed segment is handed, in order, to `handle` (which
 * uploads it). Segments are handled one at a time; the first failure stops further handling and is
 * reported by `finish`, and `onFailure` lets the caller stop ffmpeg at once instead of encoding for nothing.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type ListedSegment, listedSegments } from "./hls-playlists.ts";
import { type Result, ok } from "./result.ts";

export type WatchedRung = { name: string; playlist: string };

export type SegmentWatch = {
  /** Stops polling, hands on what the final playlists list, waits for the last handling. */
  finish(): Promise<Result<void>>;
  /** Stops polling without a final pass (the ladder failed); reports a handling failure if there was one. */
  stop(): Promise<Result<void>>;
};

export type SegmentWatchOptions = {
  dir: string;
  rungs: readonly WatchedRung[];
  intervalMs: number;
  handle(rung: string, segment: ListedSegment, sequence: number): Promise<Result<void>>;
  onFailure(): void;
};

const readListed = async (file: string): Promise<ListedSegment[]> => {
  try {
    return listedSegments(await readFile(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
};

export const watchSegments = (opts: SegmentWatchOptions): SegmentWatch => {
  const handled = new Map<string, number>(opts.rungs.map((r) => [r.name, 0]));
  let failure: Result<void> | undefined;
  let chain: Promise<void> = Promise.resolve();

  const scan = (): Promise<void> => {
    chain = chain.then(async () => {
      for (const rung of opts.rungs) {
        const listed = await readListed(path.join(opts.dir, rung.playlist));
        for (let seq = handled.get(rung.name) ?? 0; seq < listed.length && !failure; seq++) {
          const result = await opts.handle(rung.name, listed[seq]!, seq);
          if (!result.ok) {
            failure = result;
            opts.onFailure();
            return;
          }
          handled.set(rung.name, seq + 1);
        }
      }
    });
    return chain;
  };

  // Polls are queued on the chain, so a slow upload delays the next look instead of overlapping it.
  let polling = false;
  const timer = setInterval(() => {
    if (polling || failure) return;
    polling = true;
    void scan().finally(() => (polling = false));
  }, opts.intervalMs);

  return {
    finish: async () => {
      clearInterval(timer);
      if (!failure) await scan();
      await chain;
      return failure ?? ok(undefined);
    },
    stop: async () => {
      clearInterval(timer);
      await chain.catch(() => undefined);
      return failure ?? ok(undefined);
    },
  };
};
