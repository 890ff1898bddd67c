import axios, { type AxiosInstance } from 'axios';
import { traceHeaders } from '../../../platform';
import { ProductSchema, type Product } from '../../catalog/src/contract';

/** How the catalog could not be asked: the HTTP layer answers 503 for any of these. */
export type CatalogFailure = 'timeout' | 'unreachable' | 'server-error' | 'bad-answer';

/** The catalog did not give a usable answer; ordering cannot price lines without it. */
export class CatalogUnavailableError extends Error {
  readonly code = 'CATALOG_UNAVAILABLE';
  constructor(readonly reason: CatalogFailure, message: string) {
    super(message);
    this.name = 'CatalogUnavailableError';
  }
}

export function isCatalogUnavailable(err: unknown): err is CatalogUnavailableError {
  return err instanceof CatalogUnavailableError;
}

/** What the orders service needs from the catalog: one product by id, or undefined when it does not exist. */
export interface CatalogClient {
  getProduct(id: number, signal?: AbortSignal): Promise<Product | undefined>;
}

export interface HttpCatalogOptions {
  /** Base URL of the catalog service, e.g. http://127.0.0.1:4001 (no trailing path needed). */
  baseUrl: string;
  /** Per-request budget in milliseconds; a slow catalog must not hold orders' requests open. Default 2000. */
  timeoutMs?: number;
}

function failureOf(err: unknown): CatalogUnavailableError {
  if (axios.isAxiosError(err)) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === 'ERR_CANCELED') {
      return new CatalogUnavailableError('timeout', `catalog did not answer in time (${err.code})`);
    }
    return new CatalogUnavailableError('unreachable', `catalog is unreachable (${err.code ?? 'network error'})`);
  }
  return new CatalogUnavailableError('unreachable', `catalog call failed (${err instanceof Error ? err.message : String(err)})`);
}

/** Asks the catalog service over HTTP, `GET {baseUrl}/products/:id`, and checks the answer against its published contract. */
export function createHttpCatalogClient({ baseUrl, timeoutMs = 2000 }: HttpCatalogOptions): CatalogClient {
  const http: AxiosInstance = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: timeoutMs,
    // Statuses are ours to interpret: 404 is an answer, not a failure.
    validateStatus: () => true,
    headers: { accept: 'application/json' },
  });
  return {
    async getProduct(id, signal) {
      let res;
      try {
        // The order's trace goes on to the catalog: its request line carries the same traceId.
        res = await http.get<unknown>(`/products/${encodeURIComponent(String(id))}`, { signal, headers: traceHeaders() });
      } catch (err) {
        throw failureOf(err);
      }
      if (res.status === 404) return undefined;
      if (res.status >= 500) throw new CatalogUnavailableError('server-error', `catalog answered ${res.status}`);
      if (res.status !== 200) throw new CatalogUnavailableError('bad-answer', `catalog answered ${res.status} for product ${id}`);
      const parsed = ProductSchema.safeParse(res.data);
      if (!parsed.success || parsed.data.id !== id) {
        throw new CatalogUnavailableError('bad-answer', `catalog answer for product ${id} does not fit the catalog contract`);
      }
      return parsed.data;
    },
  };
}
