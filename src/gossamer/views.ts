/**
 * Read-only views of a Gossamer node's state, for drivers (daemon, simulator, dashboard, tests). Only the node's
 * own parts, through its private context, may change that state (quinn-proto's `Connection` exposes its state the
 * same way: accessors, never the fields).
 */

import type { LinkCosts } from './link-costs.ts';
import type { Membership } from './membership/membership.ts';
import type { Neighbour, Neighbours } from './mesh/neighbours.ts';
import type { RouteTable } from './routing/route-table.ts';
import type { ScxId } from './wire/messages.ts';

/** The SCXs this node knows of: Γ(X) of section 4.1. */
export type MembershipView = Pick<Membership, 'size' | 'has' | 'isDead' | 'members'>;

/** This node's mesh edges, each read-only. */
export interface NeighboursView extends Pick<Neighbours, 'out' | 'in' | 'size' | 'has' | 'ids'> {
  get(id: ScxId): Readonly<Neighbour> | undefined;
  all(): IterableIterator<Readonly<Neighbour>>;
}

/** This node's routing table: one route per source SCX (section 4.3). */
export type RoutesView = Pick<RouteTable, 'isSource' | 'route' | 'routes' | 'size' | 'downstream'>;

/** The latencies the probe module measured (or the node estimated), ms. */
export type LinkCostsView = Pick<LinkCosts, 'get'>;
