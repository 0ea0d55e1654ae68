import { describe, expect, it } from "vitest";
import { lastErrorLine, ytDlpFailure } from "../../containers/transcoder/src/lib/ytdlp-errors.ts";

// Real yt-dlp messages (Debian 2023.03.04 and current releases), as data.
const cases = [
  { stderr: "ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template.", code: "source.unavailable", retryable: false },
  { stderr: "ERROR: [youtube] dQw4w9WgXcQ: Video unavailable", code: "source.unavailable", retryable: false },
  { stderr: "ERROR: [generic] None: Unable to download webpage: HTTP Error 403: Forbidden (caused by <HTTPError 403: 'Forbidden'>)", code: "source.private", retryable: false },
  { stderr: "ERROR: [Instagram] Cabc: Requested content is not available, rate-limit reached or login required. Use --cookies", code: "source.private", retryable: false },
  { stderr: "ERROR: [youtube] x: Private video. Sign in if you've been granted access to this video", code: "source.private", retryable: false },
  { stderr: "ERROR: Unsupported URL: http://127.0.0.1:9100/instagram/p/Iabc/", code: "source.unsupported", retryable: false },
  { stderr: "ERROR: No suitable extractor found for URL http://example.com/", code: "source.unsupported", retryable: false },
  { stderr: "ERROR: [generic] None: Unable to download webpage: HTTP Error 503: Service Unavailable", code: "source.unavailable", retryable: true },
  { stderr: "ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] Connection refused>", code: "source.unavailable", retryable: true },
  { stderr: "ERROR: [generic] None: Unable to download webpage: timed out (caused by TimeoutError('timed out'))", code: "timeout", retryable: true },
  { stderr: "ERROR: [TikTok] 123: HTTP Error 429: Too Many Requests", code: "source.unavailable", retryable: true },
  { stderr: "ERROR: [youtube] x: Requested format is not available. Use --list-formats for a list of available formats", code: "source.no_media", retryable: false },
  // TikTok profiles (current yt-dlp's TikTokUser extractor, tiktok.py).
  { stderr: "ERROR: [tiktok:user] nosuchuser: Unable to extract secondary user ID. If you are able to get the channel_id from a video posted by this user, try using \"tiktokuser:channel_id\" as the input URL (replacing `channel_id` with its actual value)", code: "source.unavailable", retryable: false },
  { stderr: "ERROR: [tiktok:user] someone: This user's account is private. Log into an account that has access", code: "source.private", retryable: false },
  { stderr: "ERROR: [tiktok:user] someone: This account does not have any videos posted", code: "source.no_media", retryable: false },
  { stderr: "ERROR: something nobody has seen before", code: "internal", retryable: true },
] as const;

describe("ytDlpFailure", () => {
  it.each(cases)("should map “$stderr” to $code", ({ stderr, code, retryable }) => {
    expect(ytDlpFailure(`WARNING: noise\n${stderr}\n`, 1).error).toMatchObject({ code, retryable });
  });

  it("should drop yt-dlp's bug-report boilerplate from the message", () => {
    expect(lastErrorLine(cases[0].stderr)).toBe(
      "[generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>)",
    );
  });
});
