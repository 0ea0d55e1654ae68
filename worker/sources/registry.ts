import { instagram } from "./services/instagram";
import { tiktok } from "./services/tiktok";
import { youtube } from "./services/youtube";
import type { MediaService, ServiceDefinition } from "./types";

export const SERVICES: Record<MediaService, ServiceDefinition> = { tiktok, youtube, instagram };

/** Which service a host belongs to, and whether it is a short-link host. Hosts are compared exactly. */
export function serviceForHost(host: string): { definition: ServiceDefinition; shortLink: boolean } | undefined {
  for (const definition of Object.values(SERVICES)) {
    if (definition.hosts.includes(host)) return { definition, shortLink: false };
    if (definition.shortLinkHosts.includes(host)) return { definition, shortLink: true };
  }
  return undefined;
}
