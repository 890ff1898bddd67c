import path from 'node:path';
import { AclUnknownMappingError } from './errors';
import type { GuardrailLimits } from './guardrails';
import { compileMapping, type AclMapping } from './mapping';
import { MAPPINGS } from './registry';

export interface AclOptions {
  /** Folder holding `<context>/<mapping>.jsonata`; defaults to this package's own folder. */
  readonly root?: string;
  /** Budget of one evaluation; default 100 ms. */
  readonly timeoutMs?: number;
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

export const DEFAULT_TIMEOUT_MS = 100;
export const DEFAULT_MAX_DEPTH = 300;

export function createAcl(options: AclOptions = {}): Acl {
  const root = options.root ?? path.resolve(__dirname, '..');
  const limits: GuardrailLimits = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
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
