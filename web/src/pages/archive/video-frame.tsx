/**
 * A thumbnail for an archived video. The archive stores no thumbnails, so the tile is the video's own
 * frame at 0.1 s, drawn from the job's signed link to the platform's copy (the link `GET /jobs/{id}`
 * gives, same origin, so the canvas is not tainted) into an <img>. No link (not archived yet, or a
 * Google Drive copy on another origin) or an undecodable file leaves a generated placeholder tile. Not a
 * <video> in the page: a silent preview would need captions to be accessible, an image needs only alt.
 */
import { useEffect, useState } from "preact/hooks";

const FRAME_AT_SECONDS = 0.1;

function grabFrame(link: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const video = document.createElement("video");
    video.muted = true;
    video.preload = "auto";
    video.addEventListener("loadeddata", () => void (video.currentTime = Math.min(FRAME_AT_SECONDS, video.duration || 0)), { once: true });
    video.addEventListener(
      "seeked",
      () => {
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d")?.drawImage(video, 0, 0);
        resolve(canvas.toDataURL("image/jpeg", 0.7));
        video.removeAttribute("src");
        video.load();
      },
      { once: true },
    );
    video.addEventListener("error", () => reject(new Error("undecodable")), { once: true });
    video.src = link;
  });
}

export function VideoFrame({ link, placeholder }: { link: string | undefined; placeholder: string }) {
  const [frame, setFrame] = useState<string>();
  useEffect(() => {
    setFrame(undefined);
    if (!link || new URL(link, location.href).origin !== location.origin) return;
    let live = true;
    grabFrame(link).then((src) => live && setFrame(src), () => undefined);
    return () => {
      live = false;
    };
  }, [link]);
  return (
    <div class="archive-thumb">
      {frame ? <img src={frame} alt="" data-testid="video-frame" /> : <span class="archive-thumb-placeholder">{placeholder}</span>}
    </div>
  );
}
