/**
 * All routes of all faces in one table, in the order a router must try them: at the first segment where
 * two templates differ, a literal segment comes before a parameter (`/api/v1/video/list` before
 * `/api/v1/video/{filename}`), whichever face either belongs to. The app registers routes in this order, so
 * Hono's first match and `match()` here always agree; `match()` serves what runs before or beside routing
 * (CORS preflights, 405 answers, the face of an unknown path, tests).
 */
import type { Face, FaceRoute, HttpMethod } from "./face";

export interface RouteEntry {
  face: Face;
  route: FaceRoute;
}

interface Compiled extends RouteEntry {
  /** Template segments without the leading empty one; `null` is a parameter (one non-empty segment). */
  segments: (string | null)[];
  /** The template ends in `/`: the path matches with or without it. */
  optionalSlash: boolean;
}

function compile(entry: RouteEntry): Compiled {
  const template = entry.route.path;
  const optionalSlash = template.length > 1 && template.endsWith("/");
  const trimmed = optionalSlash ? template.slice(0, -1) : template;
  const segments = trimmed.split("/").slice(1).map((s) => (/^\{[^}]+\}$/.test(s) ? null : s));
  return { ...entry, segments, optionalSlash };
}

/** Negative when `a` must be tried before `b`. */
function bySpecificity(a: Compiled, b: Compiled): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const literalA = a.segments[i] !== null;
    const literalB = b.segments[i] !== null;
    if (literalA !== literalB) return literalA ? -1 : 1;
  }
  return 0;
}

function matches(c: Compiled, path: string): boolean {
  let p = path;
  if (c.optionalSlash && p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  const parts = p.split("/").slice(1);
  if (parts.length !== c.segments.length) return false;
  return c.segments.every((s, i) => (s === null ? parts[i] !== "" : s === parts[i]));
}

export class RouteTable {
  /** Every route, in registration order (most specific first; stable otherwise). */
  readonly entries: readonly RouteEntry[];
  private readonly compiled: Compiled[];
  private readonly faces: readonly Face[];

  constructor(faces: readonly Face[]) {
    this.faces = faces;
    this.compiled = faces.flatMap((face) => face.routes.map((route) => compile({ face, route }))).sort(bySpecificity);
    this.entries = this.compiled.map(({ face, route }) => ({ face, route }));
    const seen = new Set<string>();
    for (const c of this.compiled) {
      const key = `${c.route.method} ${c.route.path.replace(/\{[^}]+\}/g, "{}").replace(/(.)\/$/, "$1")}`;
      if (seen.has(key)) throw new Error(`two routes claim ${key}`);
      seen.add(key);
    }
  }

  /** The route a request runs. HEAD is served by GET routes. */
  match(method: string, path: string): RouteEntry | undefined {
    const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
    const hit = this.compiled.find((c) => c.route.method === m && matches(c, path));
    return hit && { face: hit.face, route: hit.route };
  }

  /** Methods some route serves at this path (for 405 and CORS preflights). */
  methodsAt(path: string): HttpMethod[] {
    return [...new Set(this.compiled.filter((c) => matches(c, path)).map((c) => c.route.method))];
  }

  /** The `Allow` header for this path (HEAD with GET, OPTIONS always), or undefined when no route serves it. */
  allowHeader(path: string): string | undefined {
    const methods = this.methodsAt(path);
    if (methods.length === 0) return undefined;
    return [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  }

  /** The face an answer about this path speaks for: a route's face at the path, else the longest prefix. */
  faceFor(path: string): Face | undefined {
    const routed = this.compiled.find((c) => matches(c, path));
    if (routed) return routed.face;
    let best: { face: Face; length: number } | undefined;
    for (const face of this.faces) {
      for (const prefix of face.paths) {
        if ((path === prefix || path.startsWith(prefix)) && (!best || prefix.length > best.length)) best = { face, length: prefix.length };
      }
    }
    return best?.face;
  }

  /** The route registered under an exact template (OpenAPI operations → their route). */
  byTemplate(method: string, template: string): RouteEntry | undefined {
    const m = method.toUpperCase();
    return this.entries.find((e) => e.route.method === m && e.route.path === template);
  }
}
