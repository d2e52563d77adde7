/** The listener edge of a MusiCast mount: ICY streaming to players, and Icecast's status page. */

export { MountListeners, type ListenCounters } from './mount-listeners.ts';
export { LISTEN_DEFAULTS, type ListenOptions, type ListenSettings, type MountInfo } from './listen-options.ts';
export { statusJson, type StatusMount, type StatusServer } from './status-json.ts';
export { decodeMetadataBlock, encodeMetadataBlock, icyTitle, MAX_TITLE_BYTES, type IcyMetadata } from './icy-metadata.ts';
