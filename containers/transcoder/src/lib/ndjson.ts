/**
 * The NDJSON response stream of an operation: one JSON object per line, in the order emitted.
 * Progress lines are rate-limited per stage (the Worker fans them out over WebSockets; a line per
 * yt-dlp tick would be noise), while stage boundaries (0 and 100) always go out.
 */
import type { ServerResponse } from "node:http";
import { NDJSON_CONTENT_TYPE, type OutputFile, type TranscoderError } from "../../../../protocol/transcoder.ts";

export type Stage = "resolve" | "download" | "convert" | "upload";

export type NdjsonStream = {
  progress(stage: Stage, percent: number): void;
  output(output: OutputFile): void;
  done(result: unknown): void;
  error(error: TranscoderError): void;
  /** Whether a terminal line (done or error) has been written. */
  readonly ended: boolean;
};

const MIN_INTERVAL_MS = 200;

export const openNdjson = (res: ServerResponse): NdjsonStream => {
  res.writeHead(200, {
    "Content-Type": NDJSON_CONTENT_TYPE,
    "Cache-Control": "no-store",
    // Tell proxies in between not to buffer the stream.
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  let ended = false;
  const last = new Map<Stage, { percent: number; at: number }>();

  const write = (value: unknown) => {
    if (res.destroyed || res.writableEnded) return;
    res.write(`${JSON.stringify(value)}\n`);
  };

  return {
    progress(stage, raw) {
      if (ended) return;
      const percent = Math.max(0, Math.min(100, Math.round(raw * 10) / 10));
      const prev = last.get(stage);
      const now = Date.now();
      const boundary = percent === 0 || percent === 100;
      if (prev && (percent <= prev.percent || (!boundary && now - prev.at < MIN_INTERVAL_MS))) return;
      last.set(stage, { percent, at: now });
      write({ type: "progress", stage, percent });
    },
    output(output) {
      if (!ended) write({ type: "output", output });
    },
    done(result) {
      if (ended) return;
      ended = true;
      write({ type: "done", result });
      res.end();
    },
    error(error) {
      if (ended) return;
      ended = true;
      write({ type: "error", error });
      res.end();
    },
    get ended() {
      return ended;
    },
  };
};
