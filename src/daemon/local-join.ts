import { parseAddress } from '../net/address.ts';
import type { Announcement } from '../session/announcement.ts';
import type { JoinAnswer } from '../api/join-answer.ts';
import type { ScxNode } from './scx-node.ts';

/**
 * Joins a session at this node (starting its SCX if needed) and says where clients reach each channel: the node's
 * own address, with the client hello, and the channel's local multicast group if the node serves multicast (it
 * starts to). Throws ERR_TRANSPORT_UNSUPPORTED for a transport this node lacks.
 */
export function joinHere(node: ScxNode, announcement: Announcement): JoinAnswer {
  const s = node.join(announcement);
  const { host, port } = parseAddress(node.self);
  return {
    session: s.name,
    ...(announcement.description !== undefined && { description: announcement.description }),
    id: s.idHex,
    scx: node.self,
    channels: announcement.channels.map((ch) => ({
      id: ch.id,
      transport: ch.unicast,
      ...(ch.description !== undefined && { description: ch.description }),
      unicast: { protocol: 'scattercast-tcp', host, port },
      ...(node.multicast ? { multicast: { ...node.multicast.serve(s.idHex, s.id, ch.id), protocol: 'scattercast-udp' as const } } : {}),
    })),
  };
}
