import axios, { type AxiosInstance } from 'axios';
import { traceHeaders } from '../../../platform';
import { ReservationSchema, StockSchema, type Stock } from '../../inventory/src/contract';

/**
 * How inventory could not be asked. `applied` says whether the write may have happened anyway:
 * `no` when the connection was refused (nothing was sent), `unknown` when it was sent and no
 * usable answer came back (a timeout, a reset, a 5xx). The saga compensates an unknown reserve,
 * because a release is safe whatever happened.
 */
export type InventoryFailure = 'timeout' | 'unreachable' | 'server-error' | 'bad-answer';

export class InventoryUnavailableError extends Error {
  readonly code = 'INVENTORY_UNAVAILABLE';
  constructor(readonly reason: InventoryFailure, readonly applied: 'no' | 'unknown', message: string) {
    super(message);
    this.name = 'InventoryUnavailableError';
  }
}

export function isInventoryUnavailable(err: unknown): err is InventoryUnavailableError {
  return err instanceof InventoryUnavailableError;
}

/** The answer to a reserve: held (now or earlier, same id), or refused for lack of stock (nothing held). */
export type ReserveAnswer = { readonly held: true } | { readonly held: false; readonly available: number };

/** The answer to a commit: done, or refused because the units went while the reservation had expired. */
export type CommitAnswer = { readonly committed: true } | { readonly committed: false; readonly reason: string };

/** What the checkout saga needs from inventory; every write is safe to repeat with the same id. */
export interface InventoryClient {
  reserve(id: string, productId: number, quantity: number): Promise<ReserveAnswer>;
  commit(id: string): Promise<CommitAnswer>;
  release(id: string): Promise<void>;
  /** Stock of one product, or undefined when inventory keeps none (the dry run's check). */
  stock(productId: number): Promise<Stock | undefined>;
}

export interface HttpInventoryOptions {
  /** Base URL of the inventory service, e.g. http://127.0.0.1:4003. */
  readonly baseUrl: string;
  /** Per-request budget in milliseconds. Default 2000. */
  readonly timeoutMs?: number;
}

function failureOf(err: unknown, what: string): InventoryUnavailableError {
  if (axios.isAxiosError(err)) {
    if (err.code === 'ECONNREFUSED') return new InventoryUnavailableError('unreachable', 'no', `inventory is unreachable for ${what} (ECONNREFUSED)`);
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === 'ERR_CANCELED') {
      return new InventoryUnavailableError('timeout', 'unknown', `inventory did not answer ${what} in time (${err.code})`);
    }
    return new InventoryUnavailableError('unreachable', 'unknown', `inventory failed during ${what} (${err.code ?? 'network error'})`);
  }
  return new InventoryUnavailableError('unreachable', 'unknown', `inventory call ${what} failed (${err instanceof Error ? err.message : String(err)})`);
}

function problemType(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' ? type.replace(/^urn:strangler:problem:/, '') : undefined;
}

function problemNumber(data: unknown, member: string): number | undefined {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[member] : undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** Talks to the inventory service over HTTP and checks its answers against its published contract. */
export function createHttpInventoryClient({ baseUrl, timeoutMs = 2000 }: HttpInventoryOptions): InventoryClient {
  const http: AxiosInstance = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: timeoutMs,
    validateStatus: () => true,
    headers: { accept: 'application/json' },
  });
  const call = async (method: 'get' | 'put' | 'post', url: string, what: string, body?: unknown) => {
    let res;
    try {
      // In the request's trace (the saga's, when recovery runs outside one: then none).
      res = await http.request<unknown>({ method, url, data: body, headers: traceHeaders() });
    } catch (err) {
      throw failureOf(err, what);
    }
    if (res.status >= 500) throw new InventoryUnavailableError('server-error', 'unknown', `inventory answered ${res.status} to ${what}`);
    return res;
  };
  const badAnswer = (what: string, status: number) => new InventoryUnavailableError('bad-answer', 'unknown', `inventory answered ${status} to ${what}, outside its contract`);
  const path = (id: string) => `/reservations/${encodeURIComponent(id)}`;
  return {
    async reserve(id, productId, quantity) {
      const what = `reserve ${id}`;
      const res = await call('put', path(id), what, { productId, quantity });
      if ((res.status === 200 || res.status === 201) && ReservationSchema.safeParse(res.data).success) return { held: true };
      // A product inventory does not keep is one it cannot sell.
      if (res.status === 404 && problemType(res.data) === 'stock-not-found') return { held: false, available: 0 };
      if (res.status === 409 && problemType(res.data) === 'out-of-stock') return { held: false, available: problemNumber(res.data, 'available') ?? 0 };
      throw badAnswer(what, res.status);
    },
    async commit(id) {
      const what = `commit ${id}`;
      const res = await call('post', `${path(id)}/commit`, what);
      if (res.status === 200 && ReservationSchema.safeParse(res.data).success) return { committed: true };
      if (res.status === 409 || res.status === 404) return { committed: false, reason: `${problemType(res.data) ?? res.status}` };
      throw badAnswer(what, res.status);
    },
    async release(id) {
      const what = `release ${id}`;
      const res = await call('post', `${path(id)}/release`, what);
      if (res.status === 200 && ReservationSchema.safeParse(res.data).success) return;
      throw badAnswer(what, res.status);
    },
    async stock(productId) {
      const what = `stock of product ${productId}`;
      const res = await call('get', `/inventory/${productId}`, what);
      if (res.status === 404) return undefined;
      const parsed = StockSchema.safeParse(res.data);
      if (res.status !== 200 || !parsed.success) throw badAnswer(what, res.status);
      return parsed.data;
    },
  };
}
