import { ControlError } from './errors';
import type { StateStore } from './state-store';
import type { ChangeResult, OverlayEntry, RouteState, StateVersion } from './types';

/** Attempts when another writer moves the version between our read and our write, and the caller did not pin one. */
const ATTEMPTS = 5;

/** A decided change, not yet written: the route's new overlay entry and its audit entry. */
export interface PlannedChange {
  /** The route's overlay entry after the change; null removes it (the route follows routes.json again). */
  readonly entryFor: RouteState | null;
  readonly draft: Parameters<StateStore['append']>[2];
  /** The rollout a person's change ended, if the route was under one. */
  readonly abortedRollout?: number | null | undefined;
}

/** Read, decide, append; when another writer won the race and no version was pinned, decide again on the new state. */
export async function appendChange(
  store: StateStore,
  clock: () => Date,
  ifMatch: number | undefined,
  decideChange: (state: StateVersion) => Promise<PlannedChange>,
): Promise<ChangeResult> {
  for (let attempt = 1; ; attempt++) {
    const state = await store.current();
    if (ifMatch !== undefined && ifMatch !== state.version) {
      throw new ControlError('stale-version', `route state is at version ${state.version}, not ${ifMatch}: read it again`, { current: state.version });
    }
    const planned = await decideChange(state);
    const version = state.version + 1;
    const overlay: Record<string, OverlayEntry> = { ...state.overlay };
    if (planned.entryFor === null) delete overlay[planned.draft.routeId];
    else overlay[planned.draft.routeId] = { ...planned.entryFor, version };
    try {
      const result = await store.append(state.version, overlay, planned.draft, clock());
      return planned.abortedRollout != null ? { ...result, abortedRollout: planned.abortedRollout } : result;
    } catch (e) {
      if (!(e instanceof ControlError) || e.code !== 'stale-version' || ifMatch !== undefined || attempt >= ATTEMPTS) throw e;
    }
  }
}
