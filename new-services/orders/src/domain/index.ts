/** The Ordering domain: the Order aggregate, its invariants and its lifecycle. */
export * from './errors';
export * from './invariants';
export * from './order';
export * from './status';
