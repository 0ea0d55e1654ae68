/**
 * How the studio words failures of the shared fetch, in one place (seed 003 documents none of them; these
 * follow its `{success: false, error}` shape with the status a client can act on).
 */
import { sentence, type FailureWording } from "../../media/fetch-media";

export const STUDIO_FETCH_FAILURES: FailureWording = {
  codes: {
    "source.unavailable": [404, "Video not found or no longer available"],
    "source.no_media": [404, "Video not found or no longer available"],
    "source.private": [403, "This video is private"],
    "source.unsupported": [400, "Invalid TikTok URL"],
    "source.blocked": [400, "Invalid TikTok URL"],
    "source.too_large": [413, "The video exceeds the size limit"],
    "source.unreachable": [502, sentence],
  },
  timeout: "The download is taking longer than expected; repeat the request to get the result",
  fallback: [500, "Download failed"],
};
