import { CpuBudget, CpuMeter } from '../cpu-meter';
import { GuardrailTrip, type GuardrailLimits } from '../guardrails';
import { Bailout } from './values';

/** Variables bound by one block, lambda call or the program; `UNBOUND` until their `:=` has run. */
export interface Frame {
  readonly slots: unknown[];
  readonly parent: Frame | undefined;
}

/** A slot whose `:=` has not run yet: jsonata then looks the name up further out. */
export const UNBOUND: unique symbol = Symbol('unbound');

export function newFrame(size: number, parent: Frame | undefined): Frame {
  const slots = new Array<unknown>(size);
  for (let i = 0; i < size; i++) slots[i] = UNBOUND;
  return { slots, parent };
}

/** The clock is read once per this many steps (a power of two). */
const CLOCK_EVERY = 64;
/**
 * A synchronous stretch (one page item, say) cannot park. One that takes this many steps (tens of
 * milliseconds; a clean item takes tens of steps) is abandoned to jsonata, which parks, so that a
 * runaway recursion inside one item does not hold the event loop until the timeout. Counted in
 * steps, not time: a busy machine must not make the choice of evaluator flaky.
 */
const SYNC_STRETCH_STEPS = 1 << 16;

/**
 * The generated evaluator never parks: past this many steps (a product page of about 500 rows,
 * well under a millisecond on a quiet machine; a 50-item page takes about 150) it hands the
 * document to the time-sliced closure evaluator, which starts over and parks between items.
 * Steps, not time, for the same reason as above.
 */
export const GENERATED_STRETCH_STEPS = 1 << 10;

/** The document is too large for the evaluator that cannot park: the time-sliced one takes it over. */
export class Handover {
  constructor(readonly steps: number) {}
}

/** A meter for evaluations that share nothing (tests, a lone evaluator). */
const PRIVATE_METER = (): CpuMeter => new CpuMeter();

export interface RunOptions {
  /** Shared by every evaluation of one ACL, so that their budgets count only their own time. */
  readonly meter?: CpuMeter;
  /** When set, the evaluation cannot park: past this many steps it throws a Handover. */
  readonly handoverSteps?: number;
}

/**
 * One evaluation's guardrail state and per-call values: the same limits as the jsonata path
 * (guardrails.ts), counted on lambda calls and loop iterations, the only places where a mapping's
 * work can grow without bound. Parking happens only between loop iterations on the asynchronous
 * spine (see spine.ts); everything below an iteration runs synchronously.
 */
export class Run {
  depth = 0;
  private ticks = 0;
  /** `ticks` when the spine last looked at the clock: where the current synchronous stretch began. */
  private stretchStart = 0;
  private sliceEnd: number;
  private lastReading = 0;
  private readonly slicing: boolean;
  private readonly meter: CpuMeter;
  private readonly handoverSteps: number;
  /** The CPU time this evaluation has used (cpu-meter.ts): parked time is not counted. */
  readonly budget: CpuBudget;

  constructor(
    private readonly limits: GuardrailLimits,
    private readonly clock: () => number,
    /** The document as handed in (`$$`). */
    readonly root: unknown,
    /** Per-call bindings (`$now`...), by the index the compiler gave each name. */
    readonly bindings: readonly unknown[],
    options: RunOptions = {},
  ) {
    const now = clock();
    this.budget = new CpuBudget(limits.timeoutMs);
    this.meter = options.meter ?? PRIVATE_METER();
    this.meter.enter(this.budget, now);
    this.sliceEnd = now + limits.sliceMs;
    this.handoverSteps = options.handoverSteps ?? 0;
    this.slicing = limits.sliceMs > 0 && this.handoverSteps === 0;
  }

  /** One unit of work that can repeat: a lambda call or a loop iteration. */
  tick(): void {
    if ((++this.ticks & (CLOCK_EVERY - 1)) === 0) this.checkClock();
  }

  /** Entering a lambda body `weight` evaluation levels below the caller's. */
  enter(weight: number): void {
    this.depth += weight;
    if (this.depth > this.limits.maxDepth) throw new GuardrailTrip('depth', this.limits.maxDepth);
  }

  leave(weight: number): void {
    this.depth -= weight;
  }

  private checkClock(): void {
    const now = this.clock();
    if (this.meter.charge(this.budget, now)) throw new GuardrailTrip('timeout', this.limits.timeoutMs);
    if (this.handoverSteps > 0 && this.ticks > this.handoverSteps) throw new Handover(this.ticks);
    if (this.slicing && this.ticks - this.stretchStart > SYNC_STRETCH_STEPS) {
      throw new Bailout('a synchronous stretch held the event loop too long');
    }
  }

  /** Between two iterations on the spine: true when the slice is over and the evaluation should park. */
  due(): boolean {
    this.stretchStart = this.ticks;
    const now = this.clock();
    this.lastReading = now;
    if (this.meter.charge(this.budget, now)) throw new GuardrailTrip('timeout', this.limits.timeoutMs);
    return this.slicing && now >= this.sliceEnd;
  }

  /** Lets the event loop go round once, then starts a new slice; the time parked is not charged. */
  park(): Promise<void> {
    // `due` has just read the clock: parking is charged up to that reading.
    this.meter.leave(this.budget, this.lastReading);
    return new Promise<void>((resume) =>
      setImmediate(() => {
        const now = this.clock();
        this.sliceEnd = now + this.limits.sliceMs;
        this.meter.enter(this.budget, now);
        resume();
      }),
    );
  }

  /** The evaluation is over: whatever follows is not its work. */
  end(): void {
    this.meter.release(this.budget);
  }
}
