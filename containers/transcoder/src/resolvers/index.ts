/**
 * The resolver registry: one module per service, looked up by the request's `service`. Hosts are
 * checked here, once for all services: a URL must belong to the service it claims (or be an allowed
 * fixture origin in test mode).
 */
import type { MediaService } from "../../../../protocol/transcoder.ts";
import { type Result, fail } from "../lib/result.ts";
import { instagram } from "./instagram.ts";
import { tiktok } from "./tiktok.ts";
import type { ResolveContext, ResolvedPost, ServiceResolver } from "./types.ts";
import { youtube } from "./youtube.ts";

export const resolvers: Readonly<Record<MediaService, ServiceResolver>> = { tiktok, youtube, instagram };

export const hostBelongsTo = (hostname: string, domains: readonly string[]): boolean => {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
};

export const resolvePost = (
  service: MediaService,
  url: URL,
  ctx: ResolveContext,
  allowedOrigins: ReadonlySet<string>,
): Promise<Result<ResolvedPost>> => {
  const resolver = resolvers[service];
  if (!allowedOrigins.has(url.origin) && !hostBelongsTo(url.hostname, resolver.hosts)) {
    return Promise.resolve(fail("source.unsupported", `${url.hostname} is not a ${service} host`, false));
  }
  return resolver.resolve(url, ctx);
};
