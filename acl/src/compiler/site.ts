import type { Scope } from './scope';
import type { Globals } from './variables';

/** Where a node sits: its static scope, and its depth below the program or lambda body it is in (that root = 1). */
export interface Site {
  readonly scope: Scope;
  readonly depth: number;
  readonly globals: Globals;
}
