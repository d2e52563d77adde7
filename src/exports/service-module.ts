/** `scattercast/service-module`: the API of service modules (a `modules` file's default export), the registry, and the built-in modules to build on. */
export {
  LOCAL_LINK,
  type ChannelContext,
  type DataTransport,
  type DropReason,
  type LinkId,
  type ServiceModule,
  type ServiceModuleFactory,
} from '../transport/service-module.ts';
export { checkFactory, ServiceRegistry } from '../transport/registry.ts';
export { DEFAULT_CLASS, DROP_POLICIES, LinkScheduler, type DropPolicy, type SchedulerOptions } from '../transport/scheduler.ts';
export { LinkShare, type ShareMember, type SharedPacket } from '../transport/link-share.ts';
export { LinkWire } from '../transport/link-wire.ts';
export { ForwardModule, forwardTcp, forwardUdp, type ForwardOptions } from '../services/forward/forward.ts';
export { reliable, reliableFactory, ReliableModule } from '../services/reliable/reliable.ts';
export type { ReliableOptions } from '../services/reliable/options.ts';
export { decodeLossReport, isLossReport, LOSS_SOURCE, type LossReport } from '../services/reliable/loss-report.ts';
export { pushback, pushbackBranch, pushbackFactory, PushbackModule } from '../services/pushback/pushback.ts';
export { layered, layeredFactory, LayeredModule } from '../services/layered/layered.ts';
export { bulk, bulkFactory, BulkModule } from '../services/bulk/bulk.ts';
export { adu, ADU_CLASSES, ADU_WEIGHTS, aduFactory, AduModule } from '../services/adu/adu.ts';
export type { AduOptions, InterestLevel } from '../services/adu/options.ts';
export {
  ADU_TYPE,
  decodeAduFragment,
  encodeAduFragment,
  fragmentAdu,
  fragmentCount,
  MAX_ADU_BYTES,
  MAX_FRAGMENT_BODY,
  type AduFragment,
  type AduHeader,
  type AduSpec,
  type Reliability,
} from '../services/adu/wire/adu.ts';
export { AduAssembler } from '../services/adu/wire/assembler.ts';
export { decodeClientInterest, encodeClientInterest, type ClientInterest } from '../services/adu/wire/interest.ts';
export { decodeDataPacket, encodeDataPacket, payloadOf, seqDiff, type DataHeader, type DataPacket } from '../session/data-header.ts';
export type { NeighbourDownReason } from '../gossamer/events.ts';
export type { ScxId } from '../gossamer/wire/messages.ts';
export type { Millis } from '../core/time.ts';
export { ErrorCode, ScError } from '../core/errors.ts';
