/**
 * Reads `<meta property|name=... content=...>` tags from a page in document order. Only what the
 * resolvers need: Open Graph media and titles. A tolerant attribute scanner, not an HTML parser: the
 * pages are only read, never rendered.
 */

export type MetaTag = { key: string; content: string };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", "#x27": "'", "#x2F": "/", "#47": "/" };

export const decodeEntities = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    const known = ENTITIES[name] ?? ENTITIES[name.toLowerCase()];
    if (known) return known;
    if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return whole;
  });

const attributes = (tag: string): Map<string, string> => {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    attrs.set(m[1]!.toLowerCase(), decodeEntities(m[3] ?? m[4] ?? m[5] ?? ""));
  }
  return attrs;
};

export const metaTags = (html: string): MetaTag[] => {
  const tags: MetaTag[] = [];
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const attrs = attributes(m[0]);
    const key = attrs.get("property") ?? attrs.get("name");
    const content = attrs.get("content");
    if (key && content !== undefined) tags.push({ key: key.toLowerCase(), content });
  }
  return tags;
};

export const firstMeta = (tags: MetaTag[], key: string): string | undefined => tags.find((t) => t.key === key)?.content;

export type OgMedia = { kind: "video" | "image"; url: string };

/** `og:video` and `og:image` URLs in document order, made absolute and de-duplicated. */
export const openGraphMedia = (tags: MetaTag[], base: URL): OgMedia[] => {
  const seen = new Set<string>();
  const media: OgMedia[] = [];
  for (const t of tags) {
    const kind = t.key === "og:video" ? "video" : t.key === "og:image" ? "image" : undefined;
    if (!kind) continue;
    let url: string;
    try {
      url = new URL(t.content, base).toString();
    } catch {
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    media.push({ kind, url });
  }
  return media;
};
