/**
 * A one-page HLS player for browser tests, served from its own loopback origin (not the Worker's), so a
 * page that plays the Worker's streams proves the HLS routes answer cross-origin players.
 *
 *   GET /?src=<master playlist URL>   the page: hls.js on a muted <video>, playing from 0 as soon as the
 *                                     manifest is parsed
 *   GET /hls.min.js                   hls.js from its npm package
 *
 * The page keeps what a test asserts on in `window.player` (see PlayerState).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";

/** One hls.js ERROR event, as the page records it. */
export interface PlayerError {
  type: string;
  details: string;
  fatal: boolean;
  url?: string;
  httpStatus?: number;
  reason?: string;
}

/** What the page exposes on `window.player`. */
export interface PlayerState {
  errors: PlayerError[];
  /** `seeking` events on the video: hls.js jumping over gaps or to a live edge shows up here. */
  seeks: number;
  /** `waiting` events: playback caught up with what was buffered. */
  stalls: number;
  /** MANIFEST_PARSED's levels, as "<height>p". */
  levels: string[];
  /** Whether the first media playlist hls.js loaded was live (no ENDLIST); null until one loaded. */
  liveAtStart: boolean | null;
}

declare global {
  interface Window {
    player: PlayerState;
  }
}

export interface PlayerPageServer {
  origin: string;
  /** The page's URL playing `src`. */
  urlFor(src: string): string;
  close(): Promise<void>;
}

const hlsJsPath = createRequire(import.meta.url).resolve("hls.js/dist/hls.min.js");

// Plain script (no modules): the page runs exactly what hls.min.js's UMD build exposes as `Hls`.
const PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>HLS test player</title><script src="/hls.min.js"></script></head>
<body>
<video id="video" muted playsinline></video>
<script>
  const state = { errors: [], seeks: 0, stalls: 0, levels: [], liveAtStart: null };
  window.player = state;
  const video = document.getElementById("video");
  video.muted = true;
  video.addEventListener("seeking", () => state.seeks++);
  video.addEventListener("waiting", () => state.stalls++);
  const src = new URLSearchParams(location.search).get("src");
  if (!Hls.isSupported()) {
    state.errors.push({ type: "page", details: "Hls.isSupported() is false (no MediaSource for H.264/AAC)", fatal: true });
  } else {
    // From 0 even while the playlist is an EVENT one: a live start would begin near the edge and
    // prove nothing about playing what was transcoded first.
    const hls = new Hls({ startPosition: 0 });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      state.errors.push({
        type: data.type,
        details: data.details,
        fatal: data.fatal,
        url: data.frag ? data.frag.url : data.url,
        httpStatus: data.response ? data.response.code : undefined,
        reason: data.reason || (data.error ? String(data.error) : undefined),
      });
    });
    hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
      if (state.liveAtStart === null) state.liveAtStart = data.details.live;
    });
    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      state.levels = data.levels.map((l) => l.height + "p");
      video.play().catch((err) => state.errors.push({ type: "page", details: "play() rejected: " + err, fatal: true }));
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  }
</script>
</body>
</html>
`;

/** Starts the page server on 127.0.0.1 at a free port. */
export async function startPlayerPage(): Promise<PlayerPageServer> {
  const hlsJs = readFileSync(hlsJsPath);
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://127.0.0.1");
    const [type, body] =
      pathname === "/" ? ["text/html; charset=utf-8", Buffer.from(PAGE)] : pathname === "/hls.min.js" ? ["text/javascript", hlsJs] : [undefined, undefined];
    if (!type || !body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": type, "Content-Length": body.length, "Cache-Control": "no-store" });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    urlFor: (src) => `${origin}/?src=${encodeURIComponent(src)}`,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
