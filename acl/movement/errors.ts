/**
 * Every expected failure of the data tools: a code, and a one-line message a CLI can print as is.
 * Anything else escaping the engine is a bug and keeps its stack.
 */
export type MovementErrorCode = 'LEGACY_DB' | 'SERVICE_UNAVAILABLE' | 'SERVICE_REFUSED' | 'STATE_FILE' | 'USAGE';

export class MovementError extends Error {
  constructor(
    readonly code: MovementErrorCode,
    message: string,
  ) {
    // One line, always: messages end up in terminals and CI logs.
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'MovementError';
  }
}

export function isMovementError(err: unknown): err is MovementError {
  return err instanceof MovementError;
}

/** The first line of whatever was thrown, for wrapping driver errors without their stacks. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim() || 'unknown error';
}
