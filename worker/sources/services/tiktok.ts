import type { ServiceDefinition } from "../types";

const USER = /^@([A-Za-z0-9._-]{1,64})$/;
const ID = /^\d{1,25}$/;

/**
 * TikTok: `/@user/video/ID`, `/@user/photo/ID`, `/embed/v2/ID`, m.tiktok.com `/v/ID.html`; short links on
 * vm. / vt. and `tiktok.com/t/CODE`.
 */
export const tiktok: ServiceDefinition = {
  service: "tiktok",
  hosts: ["www.tiktok.com", "tiktok.com", "m.tiktok.com"],
  shortLinkHosts: ["vm.tiktok.com", "vt.tiktok.com"],
  isShortLinkPath: (url) => /^\/t\/[A-Za-z0-9]+\/?$/.test(url.pathname),
  parse(url) {
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts.length === 3 && (parts[1] === "video" || parts[1] === "photo")) {
      const user = USER.exec(parts[0] ?? "");
      const id = parts[2] ?? "";
      if (!user || !ID.test(id)) return null;
      const kind = parts[1] === "photo" ? "photo" : "video";
      return { id, kind, canonicalUrl: `https://www.tiktok.com/@${user[1]}/${kind}/${id}` };
    }
    const embed = /^\/embed(?:\/v2)?\/(\d{1,25})\/?$/.exec(url.pathname);
    if (embed?.[1]) return { id: embed[1], kind: "video", canonicalUrl: `https://www.tiktok.com/@/video/${embed[1]}` };
    const mobile = /^\/v\/(\d{1,25})(?:\.html)?\/?$/.exec(url.pathname);
    if (mobile?.[1]) return { id: mobile[1], kind: "video", canonicalUrl: `https://www.tiktok.com/@/video/${mobile[1]}` };
    return null;
  },
};
