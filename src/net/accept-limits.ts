/**
 * What a listener grants before it reads a byte: open accepted connections per remote IP and in all, and those
 * still without a hello. A connection past a bound is refused at accept (counted by reason); each admitted one
 * holds a slot until it closes, and an IP's entry is gone with its last connection (no state outlives them).
 */

/** The bounds of a listener's accepted connections. */
export interface AcceptLimitOptions {
  /** Open accepted connections from one remote IP address, at most. */
  readonly connectionsPerIp: number;
  /** Open accepted connections in all, at most. */
  readonly connectionsTotal: number;
  /** Accepted connections that have not yet sent their hello, at most. */
  readonly pendingHandshakes: number;
}

/** Why a connection was refused at accept (the `reason` label of its counter). */
export type AcceptRefusal = 'per_ip' | 'total' | 'pending_handshakes';

/** One admitted connection's hold on the limits. */
export interface AcceptSlot {
  /** The connection sent its hello: it no longer counts as pending. */
  handshaken(): void;
  /** The connection closed: its slots are free again (idempotent). */
  release(): void;
}

/** The connections a listener holds, and those it refused. */
export class AcceptLimits {
  private readonly perIp = new Map<string, number>();
  /** Open admitted connections. */
  open = 0;
  /** Open admitted connections that have not yet sent their hello. */
  pending = 0;
  /** Connections refused at accept, by reason. */
  readonly refused: Record<AcceptRefusal, number> = { per_ip: 0, total: 0, pending_handshakes: 0 };

  constructor(private readonly o: AcceptLimitOptions) {}

  /** Remote IPs with an open connection now. */
  get ips(): number {
    return this.perIp.size;
  }

  /** A slot for a new connection from `ip`, or why it is refused (counted). */
  admit(ip: string): AcceptSlot | AcceptRefusal {
    const fromIp = this.perIp.get(ip) ?? 0;
    const refusal: AcceptRefusal | undefined =
      fromIp >= this.o.connectionsPerIp ? 'per_ip' : this.open >= this.o.connectionsTotal ? 'total' : this.pending >= this.o.pendingHandshakes ? 'pending_handshakes' : undefined;
    if (refusal) {
      this.refused[refusal]++;
      return refusal;
    }
    this.perIp.set(ip, fromIp + 1);
    this.open++;
    this.pending++;
    let pending = true;
    let held = true;
    const handshaken = (): void => {
      if (!pending) return;
      pending = false;
      this.pending--;
    };
    return {
      handshaken,
      release: () => {
        if (!held) return;
        held = false;
        handshaken();
        this.open--;
        const n = (this.perIp.get(ip) ?? 1) - 1;
        if (n === 0) this.perIp.delete(ip);
        else this.perIp.set(ip, n);
      },
    };
  }
}
