import { literal } from './source';

/**
 * The runtime's value checks (values.ts, runtime.ts) written out at each site instead of called.
 * Why: the shared helpers read `sequence`, `then` and jsonata's function markers on every kind of
 * object a mapping meets (rows, helper answers, built objects), so their property loads go
 * megamorphic and cost a hash lookup each; written at the site, each load sees one shape and stays
 * a fast inline cache. Each answers a JavaScript expression over a temp's name, never mapping text.
 */

/** True for a literal's source text (source.ts `literal`, or `undefined`): never an object, nothing to check. */
export const isLiteralText = (v: string): boolean => /^(["0-9-]|null$|true$|false$|undefined$)/.test(v);

/** isFunctionValue(v) for a `v` already known to be a non-null object. */
export const isFnObject = (v: string): string => `(${v} instanceof rt.CompiledFn || ${v}._jsonata_function === true || ${v}._jsonata_lambda === true)`;

/** isFunctionValue(v). */
export const isFn = (v: string): string => `(typeof ${v} === "function" || (typeof ${v} === "object" && ${v} !== null && ${isFnObject(v)}))`;

/** True when `v` is a sequence collapse would change (empty or a singleton): collapse is called only then. */
export const maybeSequence = (v: string): string => `(typeof ${v} === "object" && ${v} !== null && ${v}.sequence === true)`;

/** A statement making `t` collapse(t). */
export const collapseInPlace = (t: string): string => isLiteralText(t) ? '' : `if (${maybeSequence(t)}) ${t} = rt.collapse(${t});`;

/** rt.helperArg's check: a function value handed to a native helper is jsonata's to refuse. */
export const helperArgCheck = (v: string): string => isLiteralText(v) ? '' : `if (${isFn(v)}) rt.bail(${literal('a function handed to a native function')});`;

/** rt.helperAnswer's check: a native helper never answers a promise. */
export const helperAnswerCheck = (v: string): string =>
  isLiteralText(v) ? '' : `if (typeof ${v} === "object" && ${v} !== null && typeof ${v}.then === "function") rt.bail(${literal('a native function answered a promise')});`;

/** rt.checkArgs's check for one argument: a document's object carrying jsonata's function markers. */
export const markedArgCheck = (v: string): string =>
  isLiteralText(v) ? '' : `if (typeof ${v} === "object" && ${v} !== null && !(${v} instanceof rt.CompiledFn) && (${v}._jsonata_function === true || ${v}._jsonata_lambda === true)) rt.bail(${literal('a document object marked as a jsonata function, as an argument')});`;
