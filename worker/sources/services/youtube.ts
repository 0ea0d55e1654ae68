import type { ServiceDefinition } from "../types";

const ID = /^[A-Za-z0-9_-]{11}$/;

/** YouTube: watch?v=, youtu.be/ID, /shorts/ID, /embed/ID, /live/ID, on www., m., music. and youtube-nocookie. */
export const youtube: ServiceDefinition = {
  service: "youtube",
  hosts: ["www.youtube.com", "youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be", "www.youtube-nocookie.com"],
  shortLinkHosts: [],
  parse(url) {
    let id: string | null = null;
    if (url.hostname === "youtu.be") {
      id = url.pathname.split("/").filter(Boolean)[0] ?? null;
    } else if (url.pathname === "/watch" || url.pathname === "/watch/") {
      id = url.searchParams.get("v");
    } else {
      const m = /^\/(?:shorts|embed|live|v)\/([^/]+)\/?$/.exec(url.pathname);
      id = m?.[1] ?? null;
    }
    if (!id || !ID.test(id)) return null;
    return { id, kind: "video", canonicalUrl: `https://www.youtube.com/watch?v=${id}` };
  },
};
