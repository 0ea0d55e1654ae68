import type { MediaService } from "../../protocol/transcoder";

export type { MediaService };

/** What a post URL turned out to be. */
export interface ParsedPost {
  id: string;
  /** The one URL form this content is fetched and cached under. */
  canonicalUrl: string;
  kind: "video" | "photo" | "post";
}

/** One supported service, as data plus a parser (like cobalt's service-config). */
export interface ServiceDefinition {
  service: MediaService;
  /** Hosts whose URLs name content directly. */
  hosts: readonly string[];
  /** Hosts that only redirect (short links); their redirects are followed and every hop re-checked. */
  shortLinkHosts: readonly string[];
  /** Paths on `hosts` that are short links too (e.g. tiktok.com/t/CODE). */
  isShortLinkPath?(url: URL): boolean;
  parse(url: URL): ParsedPost | null;
}

export type SourceErrorCode =
  | "url.invalid"
  | "url.scheme"
  | "url.credentials"
  | "url.unsupported"
  | "url.not_a_post"
  | "url.redirect_refused"
  | "url.redirect_loop"
  | "url.short_link_failed";

export interface ResolvedSource extends ParsedPost {
  service: MediaService;
  /** What the transcoder is pointed at: the canonical URL, or its fixture stand-in in test mode. */
  fetchUrl: string;
}

export type ResolveResult = { ok: true; source: ResolvedSource } | { ok: false; code: SourceErrorCode; message: string };
