/**
 * Everything a control operation can refuse, with the HTTP status the admin API answers and the
 * exit code the CLI uses. A refused operation has changed nothing.
 */
export const CONTROL_ERRORS = {
  'unknown-route': { status: 404, title: 'Unknown route' },
  'invalid-request': { status: 400, title: 'Invalid request' },
  'illegal-move': { status: 422, title: 'Move not allowed' },
  'gate-refused': { status: 422, title: 'Shadow record below the gate' },
  'nothing-to-roll-back': { status: 409, title: 'Nothing to roll back' },
  'stale-version': { status: 409, title: 'Route state changed since it was read' },
  'store-unavailable': { status: 503, title: 'State store unavailable' },
  /** A route has one rollout at a time; pause, resume and abort need one. */
  'rollout-running': { status: 409, title: 'A rollout of this route is already under way' },
  'no-rollout': { status: 404, title: 'No rollout of this route' },
  'rollout-state': { status: 409, title: 'The rollout is not in a state that allows this' },
  /** A stored row this gateway cannot read (written by another gateway version, or damaged): nothing is decided on it. */
  'unreadable-state': { status: 500, title: 'Stored route state unreadable' },
  'table-mismatch': { status: 409, title: 'Route state store belongs to another route table' },
} as const;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

export class ControlError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    /** Extra machine-readable facts, e.g. the allowed next modes or the current version. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ControlError';
    this.status = CONTROL_ERRORS[code].status;
    this.title = CONTROL_ERRORS[code].title;
  }
}

export function isControlError(e: unknown): e is ControlError {
  return e instanceof ControlError;
}
