import type { ScxId } from '../wire/messages.ts';

/**
 * The order of the heartbeat election (section 4.2.3): the first rendezvous in it that is alive generates. Ids
 * that are addresses (`a.b.c.d:port`, `[v6]:port`) compare as numbers, host then port, so `10.0.0.5:7000` comes
 * before `10.0.0.11:7000` (a string comparison has it the other way round) and an IPv4 host sits where its
 * IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) does; every address comes before every other id, and other ids (the
 * simulator's `s12`, host names) compare as strings. A total order: 0 only for the same id, so every node that
 * sorts the same rendezvous list gets the same answer.
 */
export function compareScxIds(a: ScxId, b: ScxId): number {
  if (a === b) return 0;
  const ka = addressKey(a);
  const kb = addressKey(b);
  if (ka !== undefined && kb !== undefined) {
    for (let i = 0; i < ka.length; i++) {
      const d = (ka[i] as number) - (kb[i] as number);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
  } else if (ka !== undefined || kb !== undefined) {
    return ka !== undefined ? -1 : 1;
  }
  return a < b ? -1 : 1;
}

/** The ids sorted in election order (a copy). */
export function electionOrder(ids: readonly ScxId[]): ScxId[] {
  return [...ids].sort(compareScxIds);
}

/** An address id as 16 host bytes (IPv6, IPv4 mapped) and the port; undefined if it is no IP address. */
function addressKey(id: ScxId): number[] | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(id);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] !== undefined ? ipv6Bytes(m[1]) : ipv4Bytes(m[2] as string);
  if (host === undefined) return undefined;
  return host.length === 16 ? [...host, port] : [...V4_MAPPED, ...host, port];
}

const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b, i) => b <= 255 && /^\d{1,3}$/.test(parts[i] as string)) ? bytes : undefined;
}

/** The 16 bytes of an IPv6 address (`::` compression and a dotted IPv4 tail allowed). */
function ipv6Bytes(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4Bytes(p);
        if (v4 === undefined) return undefined;
        out.push((v4[0] as number) * 256 + (v4[1] as number), (v4[2] as number) * 256 + (v4[3] as number));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}
