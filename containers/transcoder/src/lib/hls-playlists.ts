/**
 * Reading ffmpeg's growing media playlists and writing the playlists the platform serves. Every figure
 * in the master playlist comes from the segments as produced: bandwidths from their sizes and
 * durations, codecs, resolution and frame rate from probing the first segment of each rung.
 */
import type { HlsRendition } from "../../../../protocol/transcoder.ts";

export type ListedSegment = { name: string; durationSeconds: number };

/** The segments a media playlist lists, in order (a segment is listed only once it is complete). */
export const listedSegments = (playlist: string): ListedSegment[] => {
  const segments: ListedSegment[] = [];
  let duration: number | undefined;
  for (const raw of playlist.split(/\r?\n/)) {
    const line = raw.trim();
    const extinf = /^#EXTINF:([0-9.]+)/.exec(line);
    if (extinf) duration = Number(extinf[1]);
    else if (line !== "" && !line.startsWith("#") && duration !== undefined) {
      segments.push({ name: line, durationSeconds: duration });
      duration = undefined;
    }
  }
  return segments;
};

export type SizedSegment = ListedSegment & { size: number };

/** Peak segment bit rate and overall average, bits per second, rounded up (BANDWIDTH must not under-state). */
export const bandwidthOf = (segments: readonly SizedSegment[]): { bandwidth: number; averageBandwidth: number } => {
  let peak = 0;
  let bytes = 0;
  let seconds = 0;
  for (const s of segments) {
    if (s.durationSeconds > 0) peak = Math.max(peak, (s.size * 8) / s.durationSeconds);
    bytes += s.size;
    seconds += s.durationSeconds;
  }
  const average = seconds > 0 ? (bytes * 8) / seconds : 0;
  return { bandwidth: Math.ceil(peak), averageBandwidth: Math.ceil(average) };
};

const AVC_PROFILES: Readonly<Record<string, string>> = {
  // profile_idc then the constraint flags byte as x264 writes it.
  "Constrained Baseline": "42c0",
  Baseline: "4200",
  Main: "4d40",
  High: "6400",
};
const AAC_OBJECT_TYPES: Readonly<Record<string, number>> = { LC: 2, "HE-AAC": 5, "HE-AACv2": 29 };

/** RFC 6381 codec strings of a probed H.264 (+ AAC) segment, undefined for anything else. */
export const codecsString = (video: { profile?: string; level?: number }, audio: { profile?: string } | undefined): string | undefined => {
  const profile = AVC_PROFILES[video.profile ?? ""];
  if (!profile || video.level === undefined || video.level <= 0) return undefined;
  const avc = `avc1.${profile}${video.level.toString(16).padStart(2, "0")}`;
  if (!audio) return avc;
  const aot = AAC_OBJECT_TYPES[audio.profile ?? ""];
  return aot === undefined ? undefined : `${avc},mp4a.40.${aot}`;
};

/** The final (VOD) media playlist of one rung. */
export const mediaPlaylist = (segments: readonly ListedSegment[]): string => {
  // EXTINF rounded to the nearest integer must not exceed the target duration (RFC 8216 §4.3.3.1).
  const target = Math.max(1, ...segments.map((s) => Math.round(s.durationSeconds)));
  return [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    ...segments.flatMap((s) => [`#EXTINF:${s.durationSeconds.toFixed(6)},`, s.name]),
    "#EXT-X-ENDLIST",
    "",
  ].join("\n");
};

/** The master playlist, smallest rung first. */
export const masterPlaylist = (renditions: readonly HlsRendition[]): string =>
  [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    ...[...renditions]
      .sort((a, b) => a.bandwidth - b.bandwidth)
      .flatMap((r) => [
        `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.averageBandwidth},RESOLUTION=${r.width}x${r.height},CODECS="${r.codecs}",FRAME-RATE=${r.frameRate.toFixed(3)}`,
        r.playlist,
      ]),
    "",
  ].join("\n");
