import type { JsonValue } from './plain-json';

/** True when a read answered a page (`items` present), so the page schema names `items[i]...` paths. */
export function isPage(answer: JsonValue | undefined): boolean {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && 'items' in answer;
}
