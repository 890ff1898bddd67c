/**
 * What an evaluation's budget counts: the time it ran itself, not the time it waited while other
 * evaluations (or anything else in the process) ran. Evaluations share one thread and read the
 * clock as they go (every step on the jsonata path, every 64 steps on the compiled ones), so the
 * time from one reading to the next, whoever takes it, is charged to the evaluation that took the
 * first: that is the one that was running. jsonata's evaluations interleave step by step, and each
 * is charged its own steps; the compiled ones switch only at their few awaits, where at most one
 * check interval of the next one's work can land on the previous one's account. Parking ends the
 * charge: the time an evaluation waits for the event loop is nobody's.
 *
 * Node 20 has no per-thread CPU clock (process.threadCpuUsage came in 23.9), so this is the
 * event-loop time an evaluation held, which equals its CPU time unless the operating system
 * takes the core away mid-slice; that time is charged to whoever held the loop.
 */
export class CpuBudget {
  /** Milliseconds charged so far. */
  used = 0;
  constructor(readonly limitMs: number) {}

  get exceeded(): boolean {
    return this.used > this.limitMs;
  }
}

export class CpuMeter {
  private current: CpuBudget | undefined;
  private since = 0;

  /** `budget` runs from `now` on (an evaluation starts or resumes). */
  enter(budget: CpuBudget, now: number): void {
    this.current = budget;
    this.since = now;
  }

  /** Charges whoever read the clock last for the time since, then `budget` runs; answers whether `budget` is over. */
  charge(budget: CpuBudget, now: number): boolean {
    if (this.current !== undefined) this.current.used += now - this.since;
    this.current = budget;
    this.since = now;
    return budget.exceeded;
  }

  /** `budget` has finished: nothing more is charged to it (no clock reading needed). */
  release(budget: CpuBudget): void {
    if (this.current === budget) this.current = undefined;
  }

  /** `budget` parks or ends at `now`: charged up to here, then nobody runs on its account. */
  leave(budget: CpuBudget, now: number): void {
    this.charge(budget, now);
    this.current = undefined;
  }
}
