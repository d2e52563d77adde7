/**
 * Decode limits of the Gossamer wire format. The decoder rejects anything past them before
 * allocating for it, and the encoder refuses to produce it, so both ends agree on what fits.
 */

/** Largest encoded message, header included, in bytes (64 KiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Largest SCX id, in UTF-8 bytes; ids are never empty. */
export const MAX_SCX_ID_BYTES = 255;

/** Most entries in a list of known SCXs (DISCOVERY and DISCOVERY_RESPONSE `known`). */
export const MAX_KNOWN_ENTRIES = 1024;

/** Most routes in one STATUS or ROUTE_UPDATE. */
export const MAX_ROUTES_PER_MESSAGE = 4096;

/** Most withdrawn sources in one ROUTE_UPDATE: one per route the sender could have advertised. */
export const MAX_WITHDRAWN_PER_MESSAGE = MAX_ROUTES_PER_MESSAGE;

/** Most hops in one route's path (advertiser and source included). */
export const MAX_PATH_LENGTH = 256;

/** Most alternatives a refusing CONNECT_ACK may suggest. */
export const MAX_ALTERNATIVES = 16;

/** Most bytes in a DISCOVERY digest (a Bloom filter of the sender's membership). */
export const MAX_DIGEST_BYTES = 4096;

/** Bytes of an origin proof's public key (Ed25519). */
export const PROOF_KEY_BYTES = 32;

/** Bytes of each of an origin proof's two signatures (Ed25519). */
export const PROOF_SIGNATURE_BYTES = 64;
