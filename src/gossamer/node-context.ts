import type { Random } from '../core/random.ts';
import type { Millis } from '../core/time.ts';
import type { GossamerConfig } from './config.ts';
import type { GossamerEvent, NeighbourDownReason } from './events.ts';
import type { LinkCosts } from './link-costs.ts';
import type { Membership } from './membership/membership.ts';
import type { Neighbours } from './mesh/neighbours.ts';
import type { RouteTable } from './routing/route-table.ts';
import type { Message, ScxId } from './wire/messages.ts';

/** What the parts of one Gossamer node share: its state, and the few actions that touch several parts. */
export interface NodeContext {
  readonly self: ScxId;
  readonly config: GossamerConfig;
  readonly rng: Random;
  readonly membership: Membership;
  readonly neighbours: Neighbours;
  readonly routes: RouteTable;
  readonly linkCosts: LinkCosts;
  /** Protocol time of the call being handled, ms. */
  readonly now: Millis;
  /** Queues `msg` for `to`. */
  send(to: ScxId, msg: Message): void;
  /** Queues one `msg` for each of `to` (encoded once). */
  sendAll(to: readonly ScxId[], msg: Message): void;
  /** Surfaces an event to the driver. */
  emit(event: GossamerEvent): void;
  /** Adds a mesh edge, and tells routing and the driver. */
  addNeighbour(id: ScxId, direction: 'out' | 'in'): void;
  /** Removes a mesh edge (sending DISCONNECT if `notify`), and tells routing and the driver. */
  removeNeighbour(id: ScxId, reason: NeighbourDownReason, notify: boolean): void;
  /** Marks an SCX dead: drops its edge and every route through it. */
  markDead(id: ScxId, reason: 'left' | 'failed'): void;
  /** Asks the driver to measure `peer` unless already measured or asked. */
  wantLinkCost(peer: ScxId): void;
}
