import { Unsupported, type Scope } from '../compiler/scope';
import type { Source } from './source';

/**
 * The frames of frameless lambda bodies (Generator.fn), by the temp that names each in its body:
 * made on first need, once per call, from the body's arguments and its caller's frame. A body's own
 * slots are its arguments; the frames further out are its caller's.
 */
export class LazyFrames {
  private readonly lazy = new Map<string, { readonly parent: string; readonly args: readonly string[] }>();

  /**
   * The start of a frameless body (its scope holds its parameters only, none assigned): a temp per
   * argument, and its frame's temp, declared unset; the caller's frame is the function's `frame`.
   */
  open(out: Source, scope: Scope): { frame: string; args: string[] } {
    if (scope.names.length !== scope.params || scope.assigned.size > 0) throw new Unsupported('a frameless body with names of its own');
    const args = Array.from({ length: scope.params }, () => out.temp());
    const frame = out.temp();
    out.line(`let ${frame};`);
    this.lazy.set(frame, { parent: 'frame', args });
    return { frame, args };
  }

  isLazy(frame: string): boolean {
    return this.lazy.has(frame);
  }

  /** `frame` as an object, for code that takes a frame: a frameless body's own is made here. */
  value(frame: string): string {
    const lazy = this.lazy.get(frame);
    return lazy === undefined ? frame : `(${frame} ??= { slots: [${lazy.args.join(', ')}], parent: ${lazy.parent} })`;
  }

  /** Slot `slot` of the frame `hops` frames up from `frame`. */
  slot(frame: string, hops: number, slot: number): string {
    const lazy = this.lazy.get(frame);
    if (lazy === undefined) return `${frame}${'.parent'.repeat(hops)}.slots[${slot}]`;
    if (hops > 0) return `${lazy.parent}${'.parent'.repeat(hops - 1)}.slots[${slot}]`;
    const arg = lazy.args[slot];
    if (arg === undefined) throw new Unsupported('a slot a frameless body does not have');
    return arg;
  }
}
