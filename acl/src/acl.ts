import path from 'node:path';
import { AclUnknownMappingError } from './errors';
import type { GuardrailLimits } from './guardrails';
import { compileMapping, type AclMapping } from './mapping';
import { MAPPINGS } from './registry';

export interface AclOptions {
  /** Folder holding `<context>/<mapping>.jsonata`; defaults to this package's own folder. */
  readonly root?: string;
  /**
   * Wall-clock budget of one evaluation, including the time it spends parked between slices;
   * default 1000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * How long an evaluation runs before it yields the event loop to other work; default 2 ms.
   * 0 turns time slicing off (an evaluation then holds the event loop until it ends).
   */
  readonly sliceMs?: number;
  /** Maximum jsonata evaluation depth; default 300 (the shipped mappings stay under 40). */
  readonly maxDepth?: number;
}

export interface Acl {
  /** The names `load` accepts, e.g. `catalog/product-read`. */
  readonly names: readonly string[];
  /** Compiles a mapping on first use and returns the same instance afterwards; throws AclCompileError or AclUnknownMappingError. */
  load(name: string): AclMapping;
  /** Compiles every mapping, so that a broken file fails at start-up rather than on first use. */
  loadAll(): AclMapping[];
}

/**
 * A long evaluation no longer blocks the process (it is time-sliced), so the budget only has to
 * stop runaway mappings: 1000 ms lets a 5,000-item page through even on a busy gateway.
 */
export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_MAX_DEPTH = 300;
export const DEFAULT_SLICE_MS = 2;

export function createAcl(options: AclOptions = {}): Acl {
  const root = options.root ?? path.resolve(__dirname, '..');
  const limits: GuardrailLimits = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    sliceMs: options.sliceMs ?? DEFAULT_SLICE_MS,
  };
  const names = Object.freeze([...MAPPINGS.keys()]);
  const compiled = new Map<string, AclMapping>();

  const load = (name: string): AclMapping => {
    const cached = compiled.get(name);
    if (cached !== undefined) return cached;
    const spec = MAPPINGS.get(name);
    if (spec === undefined) throw new AclUnknownMappingError(name, names);
    const mapping = compileMapping(spec, root, limits);
    compiled.set(name, mapping);
    return mapping;
  };

  return { names, load, loadAll: () => names.map(load) };
}

let shared: Acl | undefined;

/** A mapping from the ACL's own folder with default guardrails; compiled once per process. */
export function loadMapping(name: string): AclMapping {
  shared ??= createAcl();
  return shared.load(name);
}
