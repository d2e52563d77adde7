/**
 * Hierarchical start-time fair queuing (Goyal, Vin, Cheng, SIGCOMM '96) of one outgoing link, across everything
 * that shares it: link -> session -> channel, each channel's own scheduler (scheduler.ts) sharing among its traffic
 * classes below. Every inner node is an SFQ server over its children: a child that becomes backlogged starts at
 * max(virtual time, its last finish tag); the one with the smallest start tag sends next; its finish tag advances
 * by the packet's length over its weight. Tags are set when a packet is taken, so the members (channel queues) are
 * pulled only as fast as the link goes, and a member's own order (its classes' SFQ) is kept.
 */

import type { DataPacket } from '../session/data-header.ts';

/** A queue the link pulls from: one channel's packets waiting on this link. */
export interface ShareMember {
  /** Packets waiting. */
  readonly length: number;
  /** The member's next packet (its own scheduler's order). */
  dequeue(): DataPacket | undefined;
}

/** A packet the link takes, and whose it is. */
export interface SharedPacket {
  readonly packet: DataPacket;
  /** The member's path: [session, channel]. */
  readonly path: readonly string[];
}

class ShareNode {
  readonly children = new Map<string, ShareNode>();
  member: ShareMember | undefined;
  start = 0;
  finish = 0;
  active = false;
  /** Virtual time of this node as a server of its children. */
  virtual = 0;

  constructor(
    public weight: number,
    readonly path: readonly string[],
  ) {}

  backlogged(): boolean {
    if (this.member) return this.member.length > 0;
    for (const c of this.children.values()) if (c.backlogged()) return true;
    return false;
  }
}

/** One link's hierarchical fair share. */
export class LinkShare {
  private readonly root = new ShareNode(1, []);

  /** Adds (or re-weights) the member at `path` ([session, channel]); `weights` gives each level's weight (default 1). */
  attach(path: readonly string[], member: ShareMember, weights: readonly number[] = []): void {
    let node = this.root;
    path.forEach((key, depth) => {
      let child = node.children.get(key);
      const weight = weights[depth] ?? 1;
      if (!(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weight of ${path.slice(0, depth + 1).join('/')} must be positive: ${weight}`);
      if (!child) node.children.set(key, (child = new ShareNode(weight, path.slice(0, depth + 1))));
      else child.weight = weight;
      node = child;
    });
    node.member = member;
  }

  /** Removes the member at `path` and any level it leaves empty. */
  detach(path: readonly string[]): void {
    const trail: ShareNode[] = [this.root];
    for (const key of path) {
      const next = (trail[trail.length - 1] as ShareNode).children.get(key);
      if (!next) return;
      trail.push(next);
    }
    for (let d = path.length; d > 0; d--) {
      const node = trail[d] as ShareNode;
      if (d === path.length) node.member = undefined;
      if (node.member || node.children.size > 0) return;
      (trail[d - 1] as ShareNode).children.delete(path[d - 1] as string);
    }
  }

  /** Whether any member has packets waiting. */
  get backlogged(): boolean {
    return this.root.backlogged();
  }

  /** The next packet the link sends, by the hierarchy's fair share; undefined when nothing waits. */
  next(): SharedPacket | undefined {
    let node = this.root;
    const trail: ShareNode[] = [];
    while (!node.member) {
      const child = pick(node);
      if (!child) return undefined;
      trail.push(child);
      node = child;
    }
    const packet = node.member.dequeue();
    if (!packet) return undefined;
    for (const child of trail) {
      child.finish = child.start + packet.bytes.length / child.weight;
      child.start = child.finish;
    }
    return { packet, path: node.path };
  }
}

/** The backlogged child of `node` with the smallest start tag (ties: the first attached); advances node's virtual time. */
function pick(node: ShareNode): ShareNode | undefined {
  let best: ShareNode | undefined;
  for (const c of node.children.values()) {
    const now = c.backlogged();
    if (now && !c.active) c.start = Math.max(node.virtual, c.finish);
    c.active = now;
    if (now && (!best || c.start < best.start)) best = c;
  }
  if (best) node.virtual = best.start;
  return best;
}
