import type { Code } from './apply';
import * as values from './values';

// Local copy: tsx, which runs the gateway, reaches another module's export through getters on every use.
const { isFunctionValue } = values;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `$row.PRD_ID`, `PAGE`, `a.b.c`: a path of field names, optionally after a variable, the bulk of
 * every mapping. While each step meets one object and finds one value that is not an array, the
 * answer is simply that value (what jsonata's lookup and collapse give there); at the first array
 * (or when the path starts on an array) it hands over to the general path, which starts afresh:
 * a path has no side effects, so running it again from the start answers the same.
 */
export function fieldPath(variable: Code | undefined, keys: readonly string[], general: Code): Code {
  return {
    sync(input, frame, run) {
      let item: unknown = input;
      if (variable !== undefined) {
        item = variable.sync(input, frame, run);
        if (item === undefined) return undefined;
      }
      if (Array.isArray(item)) return general.sync(input, frame, run);
      for (let i = 0; i < keys.length; i++) {
        if (item === null || typeof item !== 'object' || isFunctionValue(item)) return undefined;
        const key = keys[i] as string;
        if (!hasOwn.call(item, key)) return undefined;
        item = (item as Record<string, unknown>)[key];
        if (item === undefined) return undefined;
        if (Array.isArray(item)) return general.sync(input, frame, run);
      }
      return item;
    },
    spine: general.spine,
  };
}
