/**
 * The resolver registry: one module per service, looked up by the request's `service`. Hosts are
 * checked here, once for all services: a URL must belong to the service it claims (or be an allowed
 * fixture origin in test mode).
 */
import type { ListRequest, MediaService } from "../../../../protocol/transcoder.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { instagram } from "./instagram.ts";
import { type ListTarget, tiktok, tiktokListTarget } from "./tiktok.ts";
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

type ListService = ListRequest["service"];

/** Per listable service: its hosts and how a URL names a profile or hashtag. */
const listers: Readonly<Record<ListService, { hosts: readonly string[]; target: (url: URL, fixture: boolean) => ListTarget | undefined }>> = {
  tiktok: { hosts: tiktok.hosts, target: tiktokListTarget },
};

/** The profile or hashtag a `list` URL names, on the service's own hosts (or a fixture origin in test mode). */
export const resolveListTarget = (service: ListService, url: URL, allowedOrigins: ReadonlySet<string>): Result<ListTarget> => {
  const lister = listers[service];
  const fixture = allowedOrigins.has(url.origin);
  if (!fixture && !hostBelongsTo(url.hostname, lister.hosts)) return fail("source.unsupported", `${url.hostname} is not a ${service} host`, false);
  const target = lister.target(url, fixture);
  if (!target) return fail("source.unsupported", `${url.pathname} is not a ${service} profile or hashtag`, false);
  return ok(target);
};
