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
  private readonly deadline: number;
  private sliceEnd: number;
  private readonly slicing: boolean;

  constructor(
    private readonly limits: GuardrailLimits,
    private readonly clock: () => number,
    /** The document as handed in (`$$`). */
    readonly root: unknown,
    /** Per-call bindings (`$now`...), by the index the compiler gave each name. */
    readonly bindings: readonly unknown[],
  ) {
    const now = clock();
    this.deadline = now + limits.timeoutMs;
    this.sliceEnd = now + limits.sliceMs;
    this.slicing = limits.sliceMs > 0;
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
    if (now > this.deadline) throw new GuardrailTrip('timeout', this.limits.timeoutMs);
    if (this.slicing && this.ticks - this.stretchStart > SYNC_STRETCH_STEPS) {
      throw new Bailout('a synchronous stretch held the event loop too long');
    }
  }

  /** Between two iterations on the spine: true when the slice is over and the evaluation should park. */
  due(): boolean {
    this.stretchStart = this.ticks;
    const now = this.clock();
    if (now > this.deadline) throw new GuardrailTrip('timeout', this.limits.timeoutMs);
    return this.slicing && now >= this.sliceEnd;
  }

  /** Lets the event loop go round once, then starts a new slice. */
  park(): Promise<void> {
    return new Promise<void>((resume) =>
      setImmediate(() => {
        this.sliceEnd = this.clock() + this.limits.sliceMs;
        resume();
      }),
    );
  }
}
