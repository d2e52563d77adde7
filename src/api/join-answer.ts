/** What a cluster frontend answers a client that asked to join a session (paper 3.4): how to reach each channel. */

/** Where a channel is multicast. */
export interface MulticastGroup {
  /** The group's IPv4 address (239.255.0.0/16, locally scoped). */
  readonly group: string;
  /** The UDP port. */
  readonly port: number;
  /** Multicast TTL, hops. */
  readonly ttl: number;
}

/** Where and how a client reaches one channel of the session. */
export interface ChannelAnswer {
  /** The channel's numeric id, from the announcement. */
  readonly id: number;
  /** The channel's transport name, from the announcement (the service module that carries it). */
  readonly transport: string;
  /** The channel's description, from the announcement. */
  readonly description?: string;
  /** Unicast: a TCP connection to the SCX speaking the scattercast client protocol (hello, then framed packets). */
  readonly unicast: { readonly protocol: 'scattercast-tcp'; readonly host: string; readonly port: number };
  /** Local multicast, when the cluster serves it: packets (header included) to this group, one per datagram. */
  readonly multicast?: MulticastGroup & { readonly protocol: 'scattercast-udp' };
}

/** The frontend's answer: the session and its channels. */
export interface JoinAnswer {
  /** The session's canonical name. */
  readonly session: string;
  /** The session's description, from the announcement. */
  readonly description?: string;
  /** The session id (MD5 of the name), hex. */
  readonly id: string;
  /** The SCX serving the session in this cluster. */
  readonly scx: string;
  readonly channels: readonly ChannelAnswer[];
}
