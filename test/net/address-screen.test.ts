import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstInternal, internalRange } from '../../src/net/address-screen.ts';

/** Per special-purpose range: an address at each of its ends (or inside), and the name the screen gives it. */
const INTERNAL: ReadonlyArray<readonly [range: string, addresses: readonly string[]]> = [
  ['0.0.0.0/8', ['0.0.0.0', '0.255.255.255']],
  ['10.0.0.0/8', ['10.0.0.0', '10.255.255.255']],
  ['100.64.0.0/10', ['100.64.0.1', '100.127.255.255']],
  ['127.0.0.0/8', ['127.0.0.1', '127.255.255.254']],
  ['169.254.0.0/16', ['169.254.169.254']],
  ['172.16.0.0/12', ['172.16.0.1', '172.31.255.255']],
  ['192.0.0.0/24', ['192.0.0.0', '192.0.0.170']],
  ['192.0.2.0/24', ['192.0.2.1']],
  ['192.88.99.0/24', ['192.88.99.1']],
  ['192.168.0.0/16', ['192.168.1.1']],
  ['198.18.0.0/15', ['198.18.0.1', '198.19.255.255']],
  ['198.51.100.0/24', ['198.51.100.7']],
  ['203.0.113.0/24', ['203.0.113.255']],
  ['224.0.0.0/4', ['224.0.0.1', '239.255.255.255']],
  ['240.0.0.0/4', ['240.0.0.1', '255.255.255.255']],
  ['::/96', ['::', '::1', '::127.0.0.1']],
  ['64:ff9b::/96', ['64:ff9b::7f00:1', '64:ff9b::808:808']],
  ['64:ff9b:1::/48', ['64:ff9b:1::a00:1']],
  ['100::/64', ['100::1']],
  ['2001::/32', ['2001::1', '2001:0:ffff::1']],
  ['2001:2::/48', ['2001:2::1']],
  ['2001:10::/28', ['2001:10::1']],
  ['2001:db8::/32', ['2001:db8::1', '2001:db8:ffff::1']],
  ['2002::/16', ['2002:7f00:1::1', '2002:808:808::1']],
  ['3fff::/20', ['3fff::1']],
  ['fc00::/7', ['fc00::1', 'fd12::1']],
  ['fe80::/10', ['fe80::1']],
  ['fec0::/10', ['fec0::1']],
  ['ff00::/8', ['ff02::1']],
];

/** IPv4-mapped IPv6 forms fall in the IPv4 range they map. */
const MAPPED: ReadonlyArray<readonly [range: string, address: string]> = [
  ['127.0.0.0/8', '::ffff:127.0.0.1'],
  ['127.0.0.0/8', '::ffff:7f00:1'],
  ['10.0.0.0/8', '::ffff:10.0.0.1'],
  ['198.18.0.0/15', '::ffff:198.18.0.1'],
  ['192.0.2.0/24', '::ffff:192.0.2.1'],
];

/** Public hosts, just outside the ranges above. */
const PUBLIC = [
  '8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.1',
  '192.0.1.255', '192.0.3.0', '192.167.255.255', '192.169.0.1', '198.17.255.255', '198.20.0.0', '198.51.99.255',
  '203.0.112.255', '223.255.255.255', '2606:4700::1111', '2001:4860:4860::8888', '2001:db9::1', '2003::1',
  '64:ff9c::1', '::ffff:8.8.8.8',
];

describe('the address screen', () => {
  for (const [range, addresses] of INTERNAL) {
    it(`refuses ${range}`, () => {
      for (const a of addresses) assert.match(internalRange(a) ?? 'public', new RegExp(`, ${range.replace(/[.]/g, '\\.')}$`), a);
    });
  }

  it('refuses IPv4-mapped IPv6 forms by the IPv4 range they map', () => {
    for (const [range, a] of MAPPED) assert.match(internalRange(a) ?? 'public', new RegExp(`, ${range.replace(/[.]/g, '\\.')}$`), a);
  });

  it('lets public addresses pass', () => {
    for (const a of PUBLIC) assert.equal(internalRange(a), undefined, a);
  });

  it('refuses what is not an IP literal', () => {
    for (const a of ['', 'localhost', 'example.org', '127.0.0.1:80', '[::1]', '1.2.3']) assert.equal(internalRange(a), 'not an IP address', a);
  });

  it('names the first internal address of a list', () => {
    assert.equal(firstInternal(['8.8.8.8', '2606:4700::1111']), undefined);
    assert.deepEqual(firstInternal(['8.8.8.8', '198.18.0.9', '127.0.0.1']), { address: '198.18.0.9', range: 'benchmarking, 198.18.0.0/15' });
  });
});
