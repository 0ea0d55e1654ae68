/** Finding the TikTok link in a chat message (users paste it among other words, often with punctuation). */

const URL_IN_TEXT = /https?:\/\/[^\s<>"'()\[\]{}]+/gi;
/** Sentence punctuation a pasted link is often followed by; never the end of a TikTok URL. */
const TRAILING = /[.,;:!?…»”’]+$/u;

function isTikTokHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "tiktok.com" || h.endsWith(".tiktok.com");
}

/** The first http(s) URL on a tiktok.com host in `text` (with or without `https://`: bare `vm.tiktok.com/…` too). */
export function firstTikTokUrl(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const withScheme = text.replace(/(^|\s)((?:www\.|vm\.|vt\.|m\.)?tiktok\.com\/)/gi, "$1https://$2");
  for (const match of withScheme.matchAll(URL_IN_TEXT)) {
    const candidate = match[0].replace(TRAILING, "");
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (isTikTokHost(url.hostname) && url.pathname.length > 1 && candidate.length <= 2048) return candidate;
  }
  return undefined;
}
