/**
 * URL → (service, canonical content id). The allowlist is exact host names per service; anything else —
 * other hosts, IP literals, other schemes, credentials, explicit ports — is refused before any request.
 * Short links are followed by hand (redirect: "manual"), and every hop must again be a host of the same
 * service, so a short link cannot bounce the platform to a private address or another site.
 */
import { toFixtureUrl } from "./fixture-origin";
import { serviceForHost } from "./registry";
import type { MediaService, ResolveResult, SourceErrorCode } from "./types";

export interface ResolveOptions {
  /** Services this face accepts (the saver: only tiktok). */
  allowed: readonly MediaService[];
  /** Test mode: fetch from this fixture origin instead of the real hosts. */
  fixtureOrigin?: string;
  fetcher?: typeof fetch;
  maxHops?: number;
}

const MAX_URL_LENGTH = 2048;

const fail = (code: SourceErrorCode, message: string): ResolveResult => ({ ok: false, code, message });

/** Parse and vet the syntax of a URL: http(s), no credentials, no explicit port, a host name. */
export function parseCandidateUrl(raw: string): { ok: true; url: URL } | { ok: false; code: SourceErrorCode; message: string } {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH) return { ok: false, code: "url.invalid", message: "URL is missing or too long" };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, code: "url.invalid", message: "URL is not valid" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, code: "url.scheme", message: "only http and https URLs are accepted" };
  if (url.username || url.password) return { ok: false, code: "url.credentials", message: "URLs with credentials are not accepted" };
  if (url.port) return { ok: false, code: "url.unsupported", message: "URLs with an explicit port are not accepted" };
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  return { ok: true, url };
}

export async function resolveSource(raw: string, opts: ResolveOptions): Promise<ResolveResult> {
  const fetcher = opts.fetcher ?? fetch;
  const maxHops = opts.maxHops ?? 5;
  const first = parseCandidateUrl(raw);
  if (!first.ok) return fail(first.code, first.message);
  let url = first.url;
  const seen = new Set<string>();
  let service: MediaService | undefined;

  for (let hop = 0; hop <= maxHops; hop++) {
    const match = serviceForHost(url.hostname);
    if (!match || !opts.allowed.includes(match.definition.service)) {
      return hop === 0
        ? fail("url.unsupported", `unsupported host: ${url.hostname}`)
        : fail("url.redirect_refused", `short link redirected to an unsupported host: ${url.hostname}`);
    }
    if (service && match.definition.service !== service) return fail("url.redirect_refused", "short link redirected to another service");
    service = match.definition.service;

    const isShort = match.shortLink || (match.definition.isShortLinkPath?.(url) ?? false);
    if (!isShort) {
      const post = match.definition.parse(url);
      if (!post) return fail("url.not_a_post", `not a ${service} post URL`);
      const fetchUrl = toFixtureUrl(new URL(post.canonicalUrl), opts.fixtureOrigin);
      return { ok: true, source: { ...post, service, fetchUrl } };
    }

    const key = url.toString();
    if (seen.has(key)) return fail("url.redirect_loop", "short link redirects in a loop");
    seen.add(key);
    let res: Response;
    try {
      res = await fetcher(toFixtureUrl(url, opts.fixtureOrigin), { method: "GET", redirect: "manual", headers: { "User-Agent": "media-platform/1.0" } });
    } catch {
      return fail("url.short_link_failed", "short link could not be followed");
    }
    const location = res.headers.get("Location");
    await res.body?.cancel();
    if (res.status < 300 || res.status >= 400 || !location) return fail("url.short_link_failed", "short link did not redirect to a post");
    const next = parseCandidateUrl(new URL(location, url).toString());
    if (!next.ok) return fail("url.redirect_refused", `short link redirected to a refused URL (${next.message})`);
    url = next.url;
  }
  return fail("url.redirect_loop", "too many redirects");
}
