/**
 * HLS playlists of a video rendered from D1 (no I/O here): the master playlist from the measured ladder
 * once the video is ready, or estimated from the segments received while it is processing; a rung's
 * media playlist as a growing EVENT playlist (no ENDLIST) while processing and a VOD playlist when ready.
 * Every URI resolves through /api/v1/hls/video/{id}/{segment}.
 */
import type { SocialHlsLadder, SocialVideoSegmentRow } from "../../db/schema";

export const HLS_PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
/** What the task asks the transcoder for; also the floor of TARGETDURATION while durations are still arriving. */
export const HLS_SEGMENT_SECONDS = 4;

export type SegmentRow = Pick<SocialVideoSegmentRow, "attempt" | "kind" | "rendition" | "sequence" | "name" | "size" | "durationSeconds" | "width" | "height">;

export const variantUri = (videoId: number, rendition: string) => `/api/v1/hls/video/${videoId}/${rendition}.m3u8`;
/**
 * A segment's public name carries its run (`r2-720p_00003.ts`): segments are served as immutable, and a
 * retried run's segment of the same sequence is a different file.
 */
export const segmentUri = (row: Pick<SegmentRow, "attempt" | "name">) => `r${row.attempt}-${row.name}`;

/** `720p.m3u8` → a rung; `r2-720p_00003.ts` → a segment of run 2; anything else → undefined. */
export function parseSegmentName(name: string): { kind: "playlist"; rendition: string } | { kind: "segment"; attempt: number; name: string } | undefined {
  const playlist = /^([0-9]{2,4}p)\.m3u8$/.exec(name);
  if (playlist) return { kind: "playlist", rendition: playlist[1]! };
  const segment = /^r([0-9]{1,9})-([A-Za-z0-9][A-Za-z0-9._-]{0,99}\.ts)$/.exec(name);
  if (segment) return { kind: "segment", attempt: Number(segment[1]), name: segment[2]! };
  return undefined;
}

const heightOf = (rendition: string) => Number.parseInt(rendition, 10);
const durationOf = (row: SegmentRow) => row.durationSeconds ?? HLS_SEGMENT_SECONDS;

/** A rung's segments from sequence 0 up to the first gap: a playlist never lists a hole. */
export function contiguousSegments(rows: readonly SegmentRow[], rendition: string): SegmentRow[] {
  const bySequence = new Map(rows.filter((r) => r.kind === "segment" && r.rendition === rendition).map((r) => [r.sequence, r]));
  const out: SegmentRow[] = [];
  for (let i = 0; bySequence.has(i); i++) out.push(bySequence.get(i)!);
  return out;
}

export function mediaPlaylist(segments: readonly SegmentRow[], final: boolean): string {
  // EXTINF rounded up must not exceed TARGETDURATION, and an EVENT playlist may not change it later.
  const target = Math.max(HLS_SEGMENT_SECONDS, ...segments.map((s) => Math.ceil(durationOf(s))));
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    `#EXT-X-PLAYLIST-TYPE:${final ? "VOD" : "EVENT"}`,
    "#EXT-X-INDEPENDENT-SEGMENTS",
  ];
  for (const s of segments) lines.push(`#EXTINF:${durationOf(s).toFixed(6)},`, segmentUri(s));
  if (final) lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}

const frameRate = (fps: number) => fps.toFixed(3);

/** The ready master playlist: every figure as the transcoder measured it on the produced segments. */
export function masterFromLadder(videoId: number, ladder: SocialHlsLadder): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"];
  for (const r of [...ladder.renditions].sort((a, b) => a.bandwidth - b.bandwidth)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.averageBandwidth},RESOLUTION=${r.width}x${r.height},CODECS="${r.codecs}",FRAME-RATE=${frameRate(r.frameRate)}`,
      variantUri(videoId, r.name),
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The master playlist while processing: the rungs whose first segment exists, with BANDWIDTH and
 * AVERAGE-BANDWIDTH estimated from the segments received so far (sizes over durations). CODECS and
 * FRAME-RATE are measured only when the ladder is done, so they are left out rather than guessed.
 * Undefined when no rung has a segment yet (nothing playable).
 */
export function masterWhileProcessing(videoId: number, rows: readonly SegmentRow[]): string | undefined {
  const rungs = [...new Set(rows.filter((r) => r.kind === "segment" && r.rendition).map((r) => r.rendition!))];
  const entries = rungs
    .map((rendition) => ({ rendition, segments: contiguousSegments(rows, rendition) }))
    .filter((e) => e.segments.length > 0)
    .map(({ rendition, segments }) => {
      const bits = segments.map((s) => s.size * 8);
      const seconds = segments.map(durationOf);
      const peak = Math.max(...bits.map((b, i) => b / seconds[i]!));
      const average = bits.reduce((a, b) => a + b, 0) / seconds.reduce((a, b) => a + b, 0);
      const first = segments[0]!;
      return { rendition, count: segments.length, peak: Math.ceil(peak), average: Math.ceil(average), width: first.width, height: first.height };
    })
    .sort((a, b) => heightOf(a.rendition) - heightOf(b.rendition));
  if (entries.length === 0) return undefined;
  const received = entries.map((e) => `${e.rendition}: ${e.count}`).join(", ");
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `# Processing: BANDWIDTH and AVERAGE-BANDWIDTH are estimated from the segments received so far (${received}); measured figures, CODECS and FRAME-RATE follow when the ladder is done.`,
  ];
  for (const e of entries) {
    const resolution = e.width && e.height ? `,RESOLUTION=${e.width}x${e.height}` : "";
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${e.peak},AVERAGE-BANDWIDTH=${e.average}${resolution}`, variantUri(videoId, e.rendition));
  }
  return lines.join("\n") + "\n";
}
