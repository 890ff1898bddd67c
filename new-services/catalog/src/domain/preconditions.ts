/**
 * A conditional-write rule, decided against the version stored at the moment of the write (under
 * the write's lock), not against an earlier read: `undefined` means no product exists yet.
 */
export type Precondition = (currentVersion: number | undefined) => boolean;

/** No condition: the plain idempotent upsert. */
export const always: Precondition = () => true;
