/** A jsonata AST node as `jsonata(...).ast()` returns it; only the fields the compiler reads. */
export interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly [field: string]: unknown;
}

/** This construct is outside the compiled subset: the mapping keeps the jsonata evaluator. */
export class Unsupported extends Error {
  constructor(reason: string, node?: AstNode) {
    super(node?.position === undefined ? reason : `${reason} (position ${node.position})`);
  }
}

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

/** Where a variable reference may find its value at run time, innermost first. */
export interface Slot {
  /** How many frames up from the current one. */
  readonly hops: number;
  readonly slot: number;
  /** A parameter of its lambda: always bound, so the lookup never goes further out. */
  readonly param: boolean;
}

/**
 * A static scope: the program, a block or a lambda call, as jsonata's frames are. A `:=` binds in
 * the innermost of these around it. A scope that binds nothing gets no run-time frame at all.
 */
export class Scope {
  readonly names: string[];
  /** The first `params` slots are a lambda's parameters: set by every call (maybe to undefined), never unbound. */
  readonly params: number;
  /** Names a `:=` of this scope assigns (a parameter not among them keeps its value for the whole call). */
  readonly assigned = new Set<string>();

  constructor(
    readonly parent: Scope | undefined,
    params: readonly string[],
    body: readonly AstNode[],
  ) {
    this.names = [...params];
    this.params = params.length;
    for (const node of body) this.collect(node);
  }

  get materialized(): boolean {
    return this.names.length > 0;
  }

  /** Every slot, innermost first, that may hold `name` (an unbound slot sends jsonata further out). */
  resolve(name: string): Slot[] {
    const found: Slot[] = [];
    let hops = 0;
    for (let scope: Scope | undefined = this; scope !== undefined; scope = scope.parent) {
      const slot = scope.names.indexOf(name);
      if (slot >= 0) found.push({ hops, slot, param: slot < scope.params });
      if (scope.materialized) hops += 1;
    }
    return found;
  }

  /** Collects the names bound by `:=` in this scope, not in the blocks and lambdas nested in it. */
  private collect(node: unknown): void {
    if (Array.isArray(node)) {
      for (const item of node) this.collect(item);
      return;
    }
    if (!isNode(node)) return;
    if (node.type === 'block' || (node.type === 'lambda' && node['thunk'] !== true)) return;
    if (node.type === 'bind') {
      const lhs = node['lhs'];
      if (!isNode(lhs) || lhs.type !== 'variable' || typeof lhs.value !== 'string') throw new Unsupported('binding to something other than a variable', node);
      if (!this.names.includes(lhs.value)) this.names.push(lhs.value);
      this.assigned.add(lhs.value);
      this.collect(node['rhs']);
      return;
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) this.collect(child);
    }
  }
}

/** The frame `hops` levels up. */
export function frameAt<F extends { readonly parent: F | undefined }>(frame: F, hops: number): F {
  let f: F | undefined = frame;
  for (let i = 0; i < hops && f !== undefined; i++) f = f.parent;
  if (f === undefined) throw new Error('compiled evaluator: frame chain shorter than its scope chain');
  return f;
}
