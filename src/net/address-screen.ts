/**
 * The address screen: whether an IP address is internal, i.e. in a special-purpose range (IANA's IPv4 and IPv6
 * special-purpose registries) that is not a host on the public Internet. What a stranger names (an announcement
 * URL, its rendezvous) must not make a node reach loopback, its LAN, a translator into it, or a reserved range.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match the IPv4 rules.
 */
import { BlockList, isIP } from 'node:net';

/** One special-purpose range: network, prefix length in bits, and what it is (said in refusals). */
type Range = readonly [network: string, bits: number, name: string];

const IPV4: readonly Range[] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'TEST-NET-1'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'TEST-NET-2'],
  ['203.0.113.0', 24, 'TEST-NET-3'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved or broadcast'],
];

const IPV6: readonly Range[] = [
  ['::', 96, 'unspecified, loopback or IPv4-compatible'],
  ['64:ff9b::', 96, 'NAT64'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001::', 32, 'Teredo'],
  ['2001:2::', 48, 'benchmarking'],
  ['2001:10::', 28, 'ORCHID'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

/** One BlockList per range, so that a refusal can say which range matched. */
const SCREEN: ReadonlyArray<{ readonly list: BlockList; readonly name: string }> = [
  ...IPV4.map((r) => entry(r, 'ipv4')),
  ...IPV6.map((r) => entry(r, 'ipv6')),
];

function entry([network, bits, name]: Range, family: 'ipv4' | 'ipv6'): { list: BlockList; name: string } {
  const list = new BlockList();
  list.addSubnet(network, bits, family);
  return { list, name: `${name}, ${network}/${bits}` };
}

/** The special-purpose range `address` (an IP literal) falls in, named; undefined if it is a public address. Not an IP literal: "not an IP address". */
export function internalRange(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return SCREEN.find((r) => r.list.check(address, type))?.name;
}


/** The first of `addresses` that is internal, with its range (see internalRange); undefined if all are public. */
export function firstInternal(addresses: readonly string[]): { readonly address: string; readonly range: string } | undefined {
  for (const address of addresses) {
    const range = internalRange(address);
    if (range !== undefined) return { address, range };
  }
  return undefined;
}
