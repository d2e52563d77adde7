/**
 * The service-module registry: maps the transport names of announcements (TRANSPORT `unicast`) to modules. A
 * cluster supports exactly the names registered here (paper 3.2); users add their own modules to it.
 */

import { ErrorCode, ScError } from '../core/errors.ts';
import { DROP_POLICIES, type SchedulerOptions } from './scheduler.ts';
import type { ServiceModuleFactory } from './service-module.ts';

/** Service modules by transport name. */
export class ServiceRegistry {
  private readonly byName = new Map<string, ServiceModuleFactory>();

  /** Adds a module under each of its names; a name taken by another module is an error. */
  register(factory: ServiceModuleFactory): void {
    checkFactory(factory);
    for (const name of factory.names) {
      const key = name.toLowerCase();
      const taken = this.byName.get(key);
      if (taken && taken !== factory) {
        throw new ScError(ErrorCode.MODULE_INVALID, `transport name "${key}" is already served by another module`);
      }
      this.byName.set(key, factory);
    }
  }

  /** The module serving `transport`, or an ERR_TRANSPORT_UNSUPPORTED error naming what this cluster has. */
  resolve(transport: string): ServiceModuleFactory {
    const f = this.byName.get(transport.toLowerCase());
    if (!f) {
      throw new ScError(
        ErrorCode.TRANSPORT_UNSUPPORTED,
        `no service module for transport "${transport}" here (supported: ${this.names().join(', ')})`,
      );
    }
    return f;
  }

  /** Whether some module serves `transport`. */
  has(transport: string): boolean {
    return this.byName.has(transport.toLowerCase());
  }

  /** Every registered transport name, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}

/** Checks that a value (perhaps from a user's module file) is a usable factory. */
export function checkFactory(value: unknown): asserts value is ServiceModuleFactory {
  const f = value as Partial<ServiceModuleFactory> | null;
  const ok =
    typeof f === 'object' &&
    f !== null &&
    Array.isArray(f.names) &&
    f.names.length > 0 &&
    f.names.every((n) => typeof n === 'string' && /^[a-z][a-z0-9+.-]{0,31}$/i.test(n)) &&
    (f.dataTransport === 'tcp' || f.dataTransport === 'udp') &&
    typeof f.create === 'function';
  if (!ok) {
    throw new ScError(
      ErrorCode.MODULE_INVALID,
      'a service module must export { names: string[], dataTransport: "tcp" | "udp", description, create(ctx) }',
    );
  }
  if (f.scheduler !== undefined) checkScheduler(f.scheduler);
}

const positive = (x: unknown): boolean => typeof x === 'number' && x > 0 && Number.isFinite(x);

/** Checks a factory's scheduler options: positive weights and cap, a known drop policy, a list of class names. */
function checkScheduler(s: SchedulerOptions): void {
  const why =
    (s.maxQueueBytes !== undefined && !positive(s.maxQueueBytes) && 'maxQueueBytes must be a positive number of bytes') ||
    (s.channelWeight !== undefined && !positive(s.channelWeight) && 'channelWeight must be a positive number') ||
    (s.weights !== undefined && !Object.values(s.weights).every(positive) && 'every class weight must be a positive number') ||
    (s.dropPolicy !== undefined && !DROP_POLICIES.includes(s.dropPolicy) && `dropPolicy must be one of ${DROP_POLICIES.join(', ')}`) ||
    (s.precedence !== undefined && !(Array.isArray(s.precedence) && s.precedence.every((c) => typeof c === 'string')) && 'precedence must be a list of class names');
  if (why) throw new ScError(ErrorCode.MODULE_INVALID, `a service module's scheduler options: ${why}`);
}
