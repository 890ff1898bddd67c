import type { SagaStep } from '../contract';
import type { SagaRecord } from '../db/saga-log';

/** The two phases after the decision: forward past the pivot (commit), or back (compensate). */
export type Phase = 'commit' | 'compensate';

/** One pass of a phase: finished, worth another try later, or not finishable without a person. */
export type PhaseResult = 'done' | 'retry' | 'stuck';

/**
 * The plan of a checkout: reserve each line (compensatable), confirm the order (the pivot),
 * commit each line (retriable). Recorded in this order, so step numbers say what came first.
 */
export function stepNames(lines: ReadonlyArray<{ lineNo: number }>): string[] {
  return [...lines.map((l) => `reserve:${l.lineNo}`), 'confirm', ...lines.map((l) => `commit:${l.lineNo}`)];
}

/** A line's reservation in inventory: the saga's id and the line, so a repeat of the step is a replay there. */
export function reservationId(sagaId: string, lineNo: number): string {
  return `${sagaId}:${lineNo}`;
}

export function stepNamed(saga: SagaRecord, name: string): SagaStep {
  const step = saga.steps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`saga ${saga.id} has no step ${name}`);
  return step;
}

/** The reserve or commit steps, in line order, each with its line number. */
export function stepsOf(saga: SagaRecord, kind: 'reserve' | 'commit'): Array<SagaStep & { line: number }> {
  return saga.steps.flatMap((s) => {
    const [name, line] = s.name.split(':');
    return name === kind && line !== undefined ? [{ ...s, line: Number(line) }] : [];
  });
}
