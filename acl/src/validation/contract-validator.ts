import type { z } from 'zod';
import { ajvValidator, createAjv, zodValidator, type OutputValidator } from './validator';

export type { OutputValidator } from './validator';

/**
 * A contract's validator as the ACL compiles it (ajv, from the zod contract's JSON Schema; zod
 * itself when `jitless`), for code that checks the same contracts outside a mapping (the bench's
 * hand-written baseline).
 */
export function contractValidator(contract: z.ZodType, options: { jitless?: boolean } = {}): OutputValidator {
  return options.jitless === true ? zodValidator(contract) : ajvValidator(createAjv(), contract);
}
