/**
 * One presentation at one SCX (paper 6.6.2): its session (channel 1, carried by the `adu` module), its model, its
 * browsers here, and the paths between them. A presenter's edits (and a loaded deck) become ADUs injected into the
 * session; the ADUs the module delivers are decoded, checked and pushed to every browser here. The browsers'
 * on-screen slides are reported to the module as one client's interest (their union: high if any browser here
 * looks at the slide), on change and every second, so the module's state stays one entry however many browsers.
 */

import { ErrorCode } from '../../../core/errors.ts';
import type { Logger } from '../../../daemon/log.ts';
import type { ScxNode } from '../../../daemon/scx-node.ts';
import type { SessionRuntime } from '../../../daemon/session-runtime.ts';
import type { Announcement } from '../../../session/announcement.ts';
import { parseSessionName } from '../../../session/name.ts';
import { decodeAduFragment, fragmentAdu, fragmentCount, type AduSpec } from '../../../services/adu/wire/adu.ts';
import { AduAssembler } from '../../../services/adu/wire/assembler.ts';
import { encodeClientInterest, MAX_INTEREST_SLIDES } from '../../../services/adu/wire/interest.ts';
import { checkBody, KIND_CODES, type KindName } from '../deck/bodies.ts';
import { presentationOf, type WhiteboardConfig, type WhiteboardPresentation } from '../whiteboard-config.ts';
import { decodeBody, encodeBody, type BoardObject } from './adu-body.ts';
import { BoardModel } from './board-model.ts';
import type { WhiteboardStats } from './edge-stats.ts';

/** The channel of a presentation's session that carries its ADUs. */
export const BOARD_CHANNEL = 1;

/** The transport (service module) of a presentation's session. */
export const BOARD_TRANSPORT = 'adu';

/** Bytes of partial ADUs held while their fragments arrive, per presentation. */
const ASSEMBLY_BYTES = 16 << 20;

/** What the edge needs of a browser. */
export interface BoardBrowser {
  /** The slide on its screen, or undefined before its hello. */
  readonly slide: number | undefined;
  /** Sends one object version (skipped when it has this version or a later one). */
  sendObject(o: BoardObject): void;
  /** Sends a JSON message. */
  sendMessage(m: Record<string, unknown>): void;
  /** Refuses the browser with `code` and closes it. */
  refuse(code: string, message: string): void;
}

/** A refused edit: its code and why. */
export interface EditRefusal {
  readonly code: string;
  readonly message: string;
}

/** The announcement of a presentation's session: one channel carried by the `adu` module (every node builds the same). */
export function presentationAnnouncement(config: WhiteboardConfig, p: WhiteboardPresentation, self: string): Announcement {
  return {
    name: parseSessionName(p.session),
    description: p.title,
    channels: [{ id: BOARD_CHANNEL, unicast: BOARD_TRANSPORT, description: 'whiteboard ADUs' }],
    rendezvous: config.rendezvous ?? [self],
  };
}

/** One presentation at this SCX. */
export class PresentationEdge {
  readonly session: SessionRuntime;
  /** The ADUs' presentation field (the session name's last part). */
  readonly presentation: string;
  readonly model: BoardModel;
  /** The browsers here. */
  readonly browsers = new Set<BoardBrowser>();
  private readonly assembler = new AduAssembler(ASSEMBLY_BYTES);
  /** The next reliable slideSeq of each slide, for ADUs this SCX sources. */
  private readonly seqs = new Map<number, number>();
  /** Browsers here with each slide on screen. */
  private readonly watched = new Map<number, number>();
  private presenter: BoardBrowser | undefined;
  private sourcing = false;
  /** The local source this SCX's ADUs come from, and the client its browsers' interest is reported as. */
  private readonly source: string;

  constructor(
    node: ScxNode,
    readonly config: WhiteboardConfig,
    readonly entry: WhiteboardPresentation,
    private readonly stats: WhiteboardStats,
    private readonly log: Logger,
  ) {
    this.session = node.join(presentationAnnouncement(config, entry, node.self));
    this.presentation = presentationOf(entry.session);
    this.model = new BoardModel(config.maxDeckBytes, config.maxObjects);
    this.source = `whiteboard@${node.self}`;
  }

  /** Whether a presenter is connected here now. */
  get presenting(): boolean {
    return this.presenter !== undefined;
  }

  /** Takes `b` as the presenter (its credential was admitted); one connected before is closed. */
  setPresenter(b: BoardBrowser): void {
    const old = this.presenter;
    this.presenter = b;
    if (old && old !== b) old.refuse(ErrorCode.WB_REPLACED, 'another presenter took over this presentation');
    this.startSourcing();
  }

  /** A browser left: its slide no longer counts, and a presenter stops presenting. */
  leave(b: BoardBrowser): void {
    if (!this.browsers.delete(b)) return;
    if (this.presenter === b) this.presenter = undefined;
    this.moveInterest(b.slide, undefined);
  }

  /** A browser's on-screen slide moved from `from` to `to` (undefined: none); the union is reported if it changed. */
  moveInterest(from: number | undefined, to: number | undefined): void {
    if (from === to) return;
    let changed = false;
    if (from !== undefined) {
      const n = (this.watched.get(from) ?? 1) - 1;
      if (n > 0) this.watched.set(from, n);
      else changed = this.watched.delete(from);
    }
    if (to !== undefined) {
      const n = this.watched.get(to) ?? 0;
      this.watched.set(to, n + 1);
      changed ||= n === 0;
    }
    if (changed) this.reportInterest();
  }

  /** Every second, while any browser here looks at a slide: the interest again (it is soft state at the module). */
  tick(): void {
    if (this.watched.size > 0) this.reportInterest();
  }

  /** Reports the slides browsers here look at, the most watched first when there are more than an interest lists. */
  private reportInterest(): void {
    const slides = [...this.watched].sort((a, b) => b[1] - a[1]).slice(0, MAX_INTEREST_SLIDES).map(([s]) => s);
    this.session.onClientControl(BOARD_CHANNEL, this.source, encodeClientInterest({ presentation: this.presentation, slides }));
  }

  /** Publishes a presenter's (or a deck's) object version: checked, kept, injected as an ADU, pushed to the other browsers here. */
  publish(o: BoardObject, final: boolean, from?: BoardBrowser): EditRefusal | undefined {
    const problem = o.kind === 'current' || o.id === 1 ? 'object 1 and kind current are the current-slide pointer\'s' : checkBody(o.kind, o.body);
    if (problem !== undefined) return { code: ErrorCode.WB_BODY, message: `${o.kind} body: ${problem}` };
    const body = encodeBody(o);
    const applied = this.model.apply(o, body.length);
    if (applied === 'elsewhere') return { code: ErrorCode.WB_BODY, message: `object ${o.id} lives on slide ${this.model.slideOf(o.id)}; ids are unique in a presentation` };
    if (applied === 'stale') return { code: ErrorCode.WB_VERSION, message: `object ${o.id} has version ${this.model.get(o.slide, o.id)?.v} here; send a later one` };
    if (applied === 'full') return { code: ErrorCode.WB_DECK_FULL, message: `the presentation holds as much as it may (${this.config.maxDeckBytes} bytes, ${this.config.maxObjects} objects)` };
    this.inject(o, body, final);
    for (const b of this.browsers) if (b !== from) b.sendObject(o);
    return undefined;
  }

  /** Announces the presenter's current slide: object 1 of slide 0, after that slide's `slide` object. */
  setCurrent(slide: number, from?: BoardBrowser): void {
    const v = (this.model.get(0, 1)?.v ?? 0) + 1;
    const o: BoardObject = { slide: 0, id: 1, v, kind: 'current', body: { slide } };
    const body = encodeBody(o);
    if (this.model.apply(o, body.length) !== 'applied') return;
    const s = this.model.slideObject(slide);
    this.inject(o, body, true, s && { object: s.id, version: s.v });
    for (const b of this.browsers) if (b !== from) b.sendMessage({ t: 'current', slide });
  }

  /** A payload the module delivered on the presentation's channel: one fragment of an ADU. */
  onPayload(payload: Uint8Array): void {
    const f = decodeAduFragment(payload);
    if (!f.ok) return this.stats.refuse(ErrorCode.WB_ADU);
    const whole = this.assembler.push(f.value);
    if (whole) this.onAdu(whole.spec, whole.body);
  }

  /** Advertises this SCX as a source of the session, once. */
  private startSourcing(): void {
    if (this.sourcing) return;
    this.sourcing = true;
    this.session.becomeSource();
  }

  private inject(o: BoardObject, body: Uint8Array, final: boolean, after?: AduSpec['after']): void {
    this.startSourcing();
    const reliability = final ? 'reliable' : 'best-effort';
    const spec: AduSpec = { presentation: this.presentation, slide: o.slide, object: o.id, version: o.v, kind: KIND_CODES[o.kind], reliability, ...(after && { after }) };
    const first = this.seqs.get(o.slide) ?? 1;
    if (final) this.seqs.set(o.slide, first + fragmentCount(body.length));
    this.session.inject(BOARD_CHANNEL, this.source, fragmentAdu(spec, body, first));
    this.stats.adusOut++;
  }

  private onAdu(spec: AduSpec, bytes: Uint8Array): void {
    this.stats.adusIn++;
    if (spec.presentation !== this.presentation) return this.stats.refuse(ErrorCode.WB_ADU);
    const d = decodeBody(spec.kind, bytes);
    if (!d.ok) {
      this.log('debug', 'whiteboard ADU refused', { session: this.entry.session, slide: spec.slide, object: spec.object, problem: d.problem });
      return this.stats.refuse(ErrorCode.WB_BODY);
    }
    if ((spec.slide === 0) !== (d.kind === 'current') || (spec.slide === 0) !== (spec.object === 1)) return this.stats.refuse(ErrorCode.WB_ADU);
    const o: BoardObject = { slide: spec.slide, id: spec.object, v: spec.version, kind: d.kind as KindName, body: d.body, ...(d.image && { image: d.image }) };
    const applied = this.model.apply(o, bytes.length);
    if (applied === 'stale') {
      this.stats.stale++;
      return;
    }
    if (applied === 'full') return this.stats.refuse(ErrorCode.WB_DECK_FULL);
    if (applied === 'elsewhere') return this.stats.refuse(ErrorCode.WB_ADU);
    if (o.kind === 'current') for (const b of this.browsers) b.sendMessage({ t: 'current', slide: o.body.slide });
    else for (const b of this.browsers) b.sendObject(o);
  }
}
