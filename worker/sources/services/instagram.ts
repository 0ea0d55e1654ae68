import type { ServiceDefinition } from "../types";

const CODE = /^[A-Za-z0-9_-]{5,64}$/;

/** Instagram: /p/CODE, /reel/CODE, /reels/CODE, /tv/CODE (optionally after a username). */
export const instagram: ServiceDefinition = {
  service: "instagram",
  hosts: ["www.instagram.com", "instagram.com", "m.instagram.com"],
  shortLinkHosts: [],
  parse(url) {
    const m = /^\/(?:[A-Za-z0-9._]{1,30}\/)?(p|reel|reels|tv)\/([^/]+)\/?$/.exec(url.pathname);
    const code = m?.[2];
    if (!code || !CODE.test(code)) return null;
    return { id: code, kind: "post", canonicalUrl: `https://www.instagram.com/p/${code}/` };
  },
};
