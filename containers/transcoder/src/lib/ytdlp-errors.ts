/**
 * yt-dlp reports failures as `ERROR:` lines of free text; this table turns them into protocol error
 * codes in one place. First match wins, so the specific patterns come before the general ones.
 */
import type { TranscoderErrorCode } from "../../../../protocol/transcoder.ts";
import { type Failure, fail } from "./result.ts";

type Rule = { pattern: RegExp; code: TranscoderErrorCode; retryable: boolean };

const RULES: Rule[] = [
  { pattern: /Unsupported URL|No suitable extractor/i, code: "source.unsupported", retryable: false },
  { pattern: /HTTP Error (404|410)|Video unavailable|This video (is|has been) (unavailable|removed)|has been removed|does not exist|no longer available|Post not found|status code 10204|Unable to extract secondary user ID/i, code: "source.unavailable", retryable: false },
  { pattern: /HTTP Error (401|403)|login required|\blog ?in\b|\bsign in\b|private (video|account|post)|account is private|log into|members[- ]only|requires authentication|use --cookies/i, code: "source.private", retryable: false },
  { pattern: /not available in your country|geo[- ]?restrict|blocked in your country/i, code: "source.unavailable", retryable: false },
  { pattern: /No video formats found|There's no video|Requested format is not available|no media|does not have any videos/i, code: "source.no_media", retryable: false },
  { pattern: /HTTP Error 429|Too Many Requests|rate[- ]limit/i, code: "source.unavailable", retryable: true },
  { pattern: /timed out|Read timed out|TimeoutError/i, code: "timeout", retryable: true },
  { pattern: /HTTP Error 5\d\d|Connection (refused|reset|aborted)|Temporary failure|Name or service not known|nodename nor servname|urlopen error|RemoteDisconnected|IncompleteRead|EOF occurred|Network is unreachable|Unable to download/i, code: "source.unavailable", retryable: true },
];

/** The last `ERROR:` line of yt-dlp's stderr, without yt-dlp's "please report this issue" boilerplate. */
export const lastErrorLine = (stderr: string): string => {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== "");
  const error = [...lines].reverse().find((l) => l.startsWith("ERROR:")) ?? lines.at(-1) ?? "";
  return error
    .replace(/^ERROR:\s*/, "")
    .replace(/;\s*please report this issue on.*$/i, "")
    .trim();
};

export const ytDlpFailure = (stderr: string, exitCode: number | null): Failure => {
  const message = lastErrorLine(stderr) || `yt-dlp exited with code ${exitCode}`;
  for (const rule of RULES) if (rule.pattern.test(message)) return fail(rule.code, message, rule.retryable);
  // Unknown failures are retried: yt-dlp's errors are more often transient than permanent.
  return fail("internal", message, true);
};
