import { pathToFileURL } from 'node:url';
import { ErrorCode, ScError } from '../core/errors.ts';
import { adu } from '../services/adu/adu.ts';
import { bulk } from '../services/bulk/bulk.ts';
import { forwardTcp, forwardUdp } from '../services/forward/forward.ts';
import { layered } from '../services/layered/layered.ts';
import { pushback, pushbackBranch } from '../services/pushback/pushback.ts';
import { reliable } from '../services/reliable/reliable.ts';
import { rtpFactory } from '../services/rtp/rtp.ts';
import type { TranscoderFactory } from '../services/rtp/transcoder.ts';
import { ServiceRegistry, checkFactory } from '../transport/registry.ts';

/** The modules every node has; `transcoders` makes the `rtp` module's lower-bitrate streams (without: no adaptation). */
export function builtinRegistry(transcoders?: TranscoderFactory): ServiceRegistry {
  const r = new ServiceRegistry();
  r.register(forwardTcp);
  r.register(forwardUdp);
  r.register(reliable);
  r.register(pushback);
  r.register(pushbackBranch);
  r.register(layered);
  r.register(bulk);
  r.register(adu);
  r.register(rtpFactory(transcoders ? { transcoders } : {}));
  return r;
}

/** Loads a user's module file (its default export: one factory or a list) into `registry`. */
export async function loadModuleFile(registry: ServiceRegistry, path: string): Promise<void> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new ScError(ErrorCode.MODULE_INVALID, `cannot load service module ${path}: ${(err as Error).message}`);
  }
  const exported = Array.isArray(mod.default) ? mod.default : [mod.default];
  for (const f of exported) {
    try {
      checkFactory(f);
    } catch (err) {
      throw new ScError(ErrorCode.MODULE_INVALID, `${path}: ${(err as Error).message}`);
    }
    registry.register(f);
  }
}
