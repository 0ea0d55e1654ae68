/**
 * Test mode only: canonical service URLs are fetched from the local fixture server, whose paths mirror the
 * real sites under a per-host folder. Production never calls this (the origin is undefined there).
 */
const FOLDERS: Record<string, string> = {
  "www.tiktok.com": "tiktok",
  "tiktok.com": "tiktok",
  "m.tiktok.com": "tiktok",
  "vm.tiktok.com": "vm.tiktok",
  "vt.tiktok.com": "vm.tiktok",
  "www.youtube.com": "youtube",
  "www.instagram.com": "instagram",
};

export function toFixtureUrl(url: URL, origin: string | undefined): string {
  if (!origin) return url.toString();
  const folder = FOLDERS[url.hostname];
  if (!folder) return url.toString();
  return `${origin.replace(/\/+$/, "")}/${folder}${url.pathname}${url.search}`;
}
