import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Whether webhook URLs may reach private and loopback addresses (the operator's choice; tests allow it). */
export interface WebhookUrlPolicy {
  readonly allowPrivate: boolean;
  /** Resolves a host name to its addresses; DNS by default. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** Whether an IP address is private, loopback, link-local, shared, reserved or multicast. */
export function isPrivateAddress(address: string): boolean {
  const v = isIP(address);
  if (v === 4) return PRIVATE.check(address, 'ipv4');
  if (v === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return true;
}

async function dnsResolve(host: string): Promise<readonly string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/**
 * Why a webhook URL cannot be used, or undefined when it can: it must be http(s) without credentials,
 * and (unless the policy allows private addresses) every address its host resolves to must be public —
 * a seller's URL must not make the hub call into its own network (SSRF). Checked when a subscription
 * is saved and again before each delivery (the name may resolve elsewhere by then).
 */
export async function webhookUrlProblem(text: string, policy: WebhookUrlPolicy): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL such as https://example.com/hooks/landbridge';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials; the signature authenticates the hub';
  if (policy.allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'resolves to a loopback address';
  let addresses: readonly string[];
  try {
    addresses = isIP(host) ? [host] : await (policy.resolve ?? dnsResolve)(host);
  } catch {
    return `its host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `its host ${host} does not resolve`;
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined)
    return `resolves to ${bad}, a private or loopback address: the operator has not allowed those`;
  return undefined;
}
