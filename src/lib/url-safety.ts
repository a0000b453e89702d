// Outbound URLs chosen by users (project URLs, webhook callbacks) must not reach into private
// networks: https only, and no loopback, private, link-local or internal hosts. Local
// development may allow loopback (ALLOW_LOCAL_URLS), for a receiver on the same machine.
// (Names that resolve to private addresses are stopped by the platform's own fetch rules;
// a Worker cannot resolve DNS itself.)

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function isPrivateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    a! >= 224
  );
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || ipv4(host)?.[0] === 127;
}

function isPrivateHost(host: string): boolean {
  if (isLoopback(host)) return true;
  if (/\.(local|internal|lan|home|corp)$/.test(host) || !host.includes(".")) return true;
  const v4 = ipv4(host);
  if (v4) return isPrivateIpv4(v4);
  if (host.startsWith("[")) {
    const v6 = host.slice(1, -1).toLowerCase();
    return v6 === "::" || v6 === "::1" || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith("::ffff:");
  }
  return false;
}

export function checkOutboundUrl(raw: string, allowLoopback: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  const host = url.hostname.toLowerCase();
  if (allowLoopback && isLoopback(host) && (url.protocol === "http:" || url.protocol === "https:")) return { ok: true, url };
  if (url.protocol !== "https:") return { ok: false, reason: "must use https" };
  if (url.username || url.password) return { ok: false, reason: "must not contain credentials" };
  if (isPrivateHost(host)) return { ok: false, reason: "must not point to a private, loopback or internal address" };
  return { ok: true, url };
}
