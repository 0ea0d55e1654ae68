/**
 * Which service a pasted link belongs to, decided in the browser so an unsupported site is answered before
 * anything is sent. Only the host is judged here; whether the path is a post is the API's call (its 400).
 */
export type Service = "tiktok" | "youtube" | "instagram";
export type Detected = { kind: "service"; service: Service; url: string } | { kind: "unsupported" } | { kind: "invalid" } | { kind: "empty" };

const HOSTS: Record<Service, readonly string[]> = {
  tiktok: ["tiktok.com"],
  youtube: ["youtube.com", "youtu.be"],
  instagram: ["instagram.com"],
};

const isHostOf = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** A pasted address without a scheme (`tiktok.com/@a/video/1`) is taken as https, as a browser's address bar does. */
function parse(input: string): URL | undefined {
  for (const candidate of [input, `https://${input}`]) {
    try {
      const url = new URL(candidate);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".")) return url;
    } catch {
      // not an absolute URL as written; the next candidate adds the scheme
    }
  }
  return undefined;
}

export function detectService(raw: string): Detected {
  const input = raw.trim();
  if (!input) return { kind: "empty" };
  const url = parse(input);
  if (!url) return { kind: "invalid" };
  const host = url.hostname.toLowerCase();
  for (const [service, domains] of Object.entries(HOSTS) as [Service, readonly string[]][]) {
    if (domains.some((d) => isHostOf(host, d))) return { kind: "service", service, url: url.href };
  }
  return { kind: "unsupported" };
}
