import type { CompiledRoute, CompiledTarget } from '../config/table';

/**
 * Which side answers, from the route's mode. `retired` answers from new only: the legacy
 * upstream is never called for a retired route. Shadow and canary are refused at load until
 * they are implemented, so they cannot reach here.
 */
export function decideTarget(route: CompiledRoute): CompiledTarget | null {
  switch (route.mode) {
    case 'legacy':
      return route.legacy;
    case 'new':
    case 'retired':
      return route.new;
    default:
      return null;
  }
}
