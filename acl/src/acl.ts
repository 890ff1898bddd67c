import path from 'node:path';
import type { z } from 'zod';
import { CpuMeter } from './cpu-meter';
import { AclUnknownMappingError } from './errors';
import type { GuardrailLimits } from './guardrails';
import { compileMapping, type AclMapping } from './mapping';
import { compileContractCheck, type ContractCheck, type ValidatorFactory } from './output-check';
import { MAPPINGS } from './registry';
import { ajvValidator, createAjv, zodValidator } from './validation/validator';

export interface AclOptions {
  /** Folder holding `<context>/<mapping>.jsonata`; defaults to this package's own folder. */
  readonly root?: string;
  /**
   * CPU-time budget of one evaluation: the time it ran itself, not the time it waited while others
   * ran (many pages translated at once never time each other out); default 1000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * How long an evaluation runs before it yields the event loop to other work; default 2 ms.
   * 0 turns time slicing off (an evaluation then holds the event loop until it ends).
   */
  readonly sliceMs?: number;
  /** Maximum jsonata evaluation depth; default 300 (the shipped mappings stay under 40). */
  readonly maxDepth?: number;
  /**
   * Generate no code: mappings run on the closure compiler and answers are checked by zod, for a
   * process that must not generate code (`strangler gateway --jitless`, `STRANGLER_ACL_JITLESS=1`).
   * Default false; a process that refuses code generation falls back by itself.
   */
  readonly jitless?: boolean;
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
 * A long evaluation never blocks the process (it is time-sliced) and its budget counts only its own
 * CPU time, so the budget only has to stop runaway mappings: 1000 ms is some fifty times what a
 * 5,000-item page costs.
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
  const jitless = options.jitless ?? false;
  const make = validatorFactory(jitless);
  const contracts = new Map<z.ZodType, ContractCheck>();
  const contract = (schema: z.ZodType): ContractCheck => {
    let check = contracts.get(schema);
    if (check === undefined) contracts.set(schema, (check = compileContractCheck(schema, make)));
    return check;
  };
  const context = { root, limits, jitless, meter: new CpuMeter(), contract };

  const load = (name: string): AclMapping => {
    const cached = compiled.get(name);
    if (cached !== undefined) return cached;
    const spec = MAPPINGS.get(name);
    if (spec === undefined) throw new AclUnknownMappingError(name, names);
    const mapping = compileMapping(spec, context);
    compiled.set(name, mapping);
    return mapping;
  };

  return { names, load, loadAll: () => names.map(load) };
}

/** ajv's compiled validators, or zod when no code may be generated (or ajv cannot generate it here). */
function validatorFactory(jitless: boolean): ValidatorFactory {
  if (jitless) return zodValidator;
  const ajv = createAjv();
  return (schema) => {
    try {
      return ajvValidator(ajv, schema);
    } catch (err) {
      if (err instanceof EvalError) return zodValidator(schema);
      throw err;
    }
  };
}

let shared: Acl | undefined;

/** A mapping from the ACL's own folder with default guardrails; compiled once per process. */
export function loadMapping(name: string): AclMapping {
  shared ??= createAcl();
  return shared.load(name);
}
