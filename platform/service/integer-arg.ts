import { InvalidArgumentError } from 'commander';

/**
 * A parser for an integer option or environment variable within [min, max]. The refusal names
 * what was refused, since a variable read at start-up has no command-line flag to point at.
 */
export function integerArg(name: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}`);
    }
    return Number(raw);
  };
}
