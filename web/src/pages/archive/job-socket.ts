/**
 * A job's live progress over `/ws/jobs/{job_id}`. The access token travels as the `bearer.` subprotocol
 * beside `media-platform` (the server selects `media-platform`), never in the URL, so it reaches no
 * log or history. The first message is the job's state; then one per change, with the video that
 * changed; the last is `final` and the server closes.
 */
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../api/schema";

type Job = components["schemas"]["ArchiverJob"];
type Video = components["schemas"]["ArchiverVideo"];

/** The message's fields, as the route's OpenAPI description lists them (subsets of the REST schemas). */
export type LiveJob = Pick<Job, "id" | "status" | "progress" | "total_videos" | "successful_downloads" | "failed_downloads">;
export type LiveVideo = Pick<Video, "id" | "status" | "error_message" | "file_size" | "drive_file_id">;
interface JobMessage {
  type: "job";
  job: LiveJob;
  video?: LiveVideo;
  final: boolean;
}

const isJobMessage = (value: unknown): value is JobMessage =>
  typeof value === "object" && value !== null && "type" in value && value.type === "job" && "job" in value && typeof value.job === "object";

export interface JobWatch {
  job: LiveJob | undefined;
  /** Videos in the order their first message arrived, each with its latest state. */
  videos: LiveVideo[];
  final: boolean;
  /** The socket closed (or failed) before a final message: the page offers to reopen. */
  lost: boolean;
}

export function useJobSocket(jobId: string, token: string): JobWatch {
  const [watch, setWatch] = useState<JobWatch>({ job: undefined, videos: [], final: false, lost: false });
  useEffect(() => {
    setWatch({ job: undefined, videos: [], final: false, lost: false });
    const url = new URL(`/ws/jobs/${encodeURIComponent(jobId)}`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url, ["media-platform", `bearer.${token}`]);
    let final = false;
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string" || event.data === "pong") return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!isJobMessage(message)) return;
      final ||= message.final;
      setWatch((before) => {
        const videos = [...before.videos];
        if (message.video) {
          const at = videos.findIndex((v) => v.id === message.video!.id);
          if (at === -1) videos.push(message.video);
          else videos[at] = message.video;
        }
        return { job: message.job, videos, final: before.final || message.final, lost: false };
      });
    });
    const onEnd = () => {
      if (!final) setWatch((before) => ({ ...before, lost: true }));
    };
    socket.addEventListener("close", onEnd);
    socket.addEventListener("error", onEnd);
    return () => {
      final = true;
      socket.close(1000, "page left");
    };
  }, [jobId, token]);
  return watch;
}
