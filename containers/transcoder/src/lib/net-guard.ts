/**
 * The network guard: decides whether the transcoder may connect to a URL, before anything connects.
 *
 * A URL passes when it is http(s), carries no credentials, and every address its host resolves to is
 * a public unicast address. Requiring *all* addresses to be public (not just the first) keeps a DNS
 * answer that mixes a public and a private address from slipping through; connecting only to the
 * addresses that were checked (see `guardedLookup` and the egress proxy) keeps DNS rebinding out.
 *
 * Hosts are taken from the WHATWG URL parser, which already turns the odd IPv4 spellings
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`) into dotted quads, so one classifier covers them all.
 */
import dns from "node:dns";
import net from "node:net";
import type { TranscoderError } from "../../../../protocol/transcoder.ts";

export type ResolvedAddress = { address: string; family: 4 | 6 };

/** Resolves every address of a hostname (injectable, so tests can prove nothing else is asked). */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

export type GuardPolicy = {
  /** Exact origins allowed regardless of their address (test mode only; empty in production). */
  allowedOrigins: ReadonlySet<string>;
  lookup?: LookupAll;
};

export type HostVerdict = { ok: true; addresses: ResolvedAddress[]; allowedOrigin: boolean } | { ok: false; error: TranscoderError };

export type GuardVerdict = { ok: true; url: URL; addresses: ResolvedAddress[]; allowedOrigin: boolean } | { ok: false; error: TranscoderError };

export const systemLookupAll: LookupAll = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

const IPV4_BLOCKED: ReadonlyArray<[string, number, string]> = [
  ["0.0.0.0", 8, "this-network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const IPV6_BLOCKED: ReadonlyArray<[string, number, string]> = [
  ["::", 96, "unspecified, loopback or IPv4-compatible"],
  ["64:ff9b:1::", 48, "local-use NAT64"],
  ["100::", 64, "discard-only"],
  ["2001::", 32, "Teredo"],
  ["2001:db8::", 32, "documentation"],
  ["fc00::", 7, "unique local"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
];

const blockLists = (() => {
  const reasons: Array<{ list: net.BlockList; reason: string; type: "ipv4" | "ipv6" }> = [];
  for (const [prefix, bits, reason] of IPV4_BLOCKED) {
    const list = new net.BlockList();
    list.addSubnet(prefix, bits, "ipv4");
    reasons.push({ list, reason, type: "ipv4" });
  }
  for (const [prefix, bits, reason] of IPV6_BLOCKED) {
    const list = new net.BlockList();
    list.addSubnet(prefix, bits, "ipv6");
    reasons.push({ list, reason, type: "ipv6" });
  }
  return reasons;
})();

/** The eight 16-bit groups of an IPv6 address (which must already be valid). */
const ipv6Groups = (address: string): number[] => {
  // A trailing dotted quad stands for the last two groups: rewrite it as hex first.
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a: string, b: string, c: string, d: string) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((n) => n.toString(16)).join(":"),
  );
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const [head, rest] = text.split("::") as [string, string | undefined];
  const left = parse(head);
  if (rest === undefined) return left;
  const right = parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
};

const embeddedIPv4 = (groups: number[]): string =>
  [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");

/**
 * Why an IP address is refused, or undefined for a public unicast address. IPv6 forms that carry an
 * IPv4 address (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the
 * IPv4 address inside.
 */
export const blockedAddressReason = (ip: string): string | undefined => {
  const address = ip.replace(/%.*$/, "");
  const version = net.isIP(address);
  if (version === 0) return "not an IP address";
  if (version === 6) {
    const g = ipv6Groups(address);
    if (g.length === 8) {
      const isMapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
      const isNat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
      if (isMapped || isNat64) {
        const inner = blockedAddressReason(embeddedIPv4(g));
        return inner && `${isMapped ? "IPv4-mapped" : "NAT64"} ${inner}`;
      }
      if (g[0] === 0x2002) {
        const inner = blockedAddressReason(
          [g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff].join("."),
        );
        return inner && `6to4 ${inner}`;
      }
    }
  }
  const type = version === 4 ? "ipv4" : "ipv6";
  for (const entry of blockLists) {
    if (entry.type === type && entry.list.check(address, type)) return entry.reason;
  }
  return undefined;
};

/**
 * A source the transcoder could not connect to: its name did not resolve, the connection was refused,
 * or nothing answered. Retryable: the hosts an operation may reach are the services' own (the Worker
 * checked them), so a failure to reach one says more about the network than about the post.
 */
export const unreachableError = (host: string, cause: string | undefined): TranscoderError => ({
  code: "source.unreachable",
  message: `could not reach ${host}${cause ? ` (${cause})` : ""}`.slice(0, 2000),
  retryable: true,
});

const refuse = (message: string): { ok: false; error: TranscoderError } => ({
  ok: false,
  error: { code: "source.blocked", message: message.slice(0, 2000), retryable: false },
});

/** Strips IPv6 brackets and a trailing root dot, so classification sees the bare host. */
const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();

/**
 * Checks one host of an already parsed URL-like target. Literal IP hosts are judged without any DNS
 * query; names are resolved with `lookup` and refused if any answer is not public.
 */
export const checkHost = async (hostname: string, origin: string, policy: GuardPolicy): Promise<HostVerdict> => {
  const host = bareHost(hostname);
  const literal = net.isIP(host);
  if (policy.allowedOrigins.has(origin)) {
    const addresses: ResolvedAddress[] = literal ? [{ address: host, family: literal === 6 ? 6 : 4 }] : [];
    return { ok: true, addresses, allowedOrigin: true };
  }
  if (!host) return refuse("URL has no host");
  if (literal) {
    const reason = blockedAddressReason(host);
    if (reason) return refuse(`address ${host} is ${reason}`);
    return { ok: true, addresses: [{ address: host, family: literal === 6 ? 6 : 4 }], allowedOrigin: false };
  }
  if (host === "localhost" || host.endsWith(".localhost")) return refuse(`host ${host} is loopback`);
  let addresses: ResolvedAddress[];
  try {
    addresses = await (policy.lookup ?? systemLookupAll)(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, error: unreachableError(host, `name does not resolve${code ? `, ${code}` : ""}`) };
  }
  if (addresses.length === 0) return refuse(`host ${host} has no addresses`);
  for (const a of addresses) {
    const reason = blockedAddressReason(a.address);
    if (reason) return refuse(`host ${host} resolves to ${a.address}, which is ${reason}`);
  }
  return { ok: true, addresses, allowedOrigin: false };
};

/** Checks a URL before anything connects to it. */
export const checkUrl = async (raw: string, policy: GuardPolicy): Promise<GuardVerdict> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return refuse(`scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) return refuse("credentials in URLs are not allowed");
  const host = await checkHost(url.hostname, url.origin, policy);
  if (!host.ok) return host;
  return { ok: true, url, addresses: host.addresses, allowedOrigin: host.allowedOrigin };
};

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http / node:net that answers only with addresses the guard already checked, so
 * the socket connects exactly where the check looked (no second DNS answer, no rebinding). Handles
 * both call shapes Node uses (`all: true` for happy eyeballs, and a single address).
 */
export const pinnedLookup =
  (checked: ResolvedAddress[]) =>
  (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const addresses = checked.filter((a) => !wanted || a.family === wanted);
    const first = addresses[0];
    if (!first) {
      const err: NodeJS.ErrnoException = new Error(`no checked address for ${hostname}`);
      err.code = "ENOTFOUND";
      callback(err, "", 4);
      return;
    }
    if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, first.address, first.family);
  };
