import axios, { type AxiosInstance } from 'axios';
import { MovementError, firstLine } from './errors';
import { withRetry, type RetryOptions } from './retry';

/** The answer of `POST <collection>/batch`. */
export interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The answer of `POST <collection>/batch-delete`. */
export interface DeleteCounts {
  deleted: number;
  missing: number;
}

/** A page of a service's list, items left as JSON: verify compares them, it does not interpret them. */
export interface ServicePage {
  items: ReadonlyArray<Record<string, unknown>>;
  total: number;
}

/** What the engine needs from a service; only its published batch and list API. */
export interface ServiceClient {
  readonly baseUrl: string;
  upsert(items: readonly unknown[]): Promise<BatchCounts>;
  delete(ids: readonly number[]): Promise<DeleteCounts>;
  page(page: number, size: number): Promise<ServicePage>;
}

export interface ServiceClientOptions {
  readonly baseUrl: string;
  /** e.g. `/products`. */
  readonly collection: string;
  /** Extra list parameters (`expand=lines`). */
  readonly listQuery?: Readonly<Record<string, string>>;
  /** Per request, in ms (default 30000: a 1000-row batch on a busy service). */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
}

/** A failure worth another attempt: the service was unreachable, timed out, or said so (5xx, 429). */
class TransientFailure extends Error {}

function describeProblem(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const p = data as { title?: unknown; detail?: unknown; errors?: unknown };
  const parts = [p.title, p.detail].filter((v): v is string => typeof v === 'string');
  if (Array.isArray(p.errors)) {
    const first = p.errors.slice(0, 3).map((e: unknown) => {
      const fe = e as { path?: unknown; message?: unknown };
      return `${String(fe.path)}: ${String(fe.message)}`;
    });
    parts.push(first.join('; '));
  }
  return parts.length === 0 ? '' : `: ${parts.join(' - ')}`;
}

function asCount(data: unknown, field: string, what: string): number {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new MovementError('SERVICE_REFUSED', `${what}: answer has no integer "${field}"`);
  return value;
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http: AxiosInstance = axios.create({
    baseURL: baseUrl,
    timeout: options.timeoutMs ?? 30_000,
    validateStatus: () => true,
    headers: { accept: 'application/json' },
    maxBodyLength: 50 * 1024 * 1024,
    maxContentLength: 50 * 1024 * 1024,
  });

  async function call(method: 'get' | 'post', url: string, body?: unknown, params?: Record<string, string | number>): Promise<unknown> {
    const what = `${method.toUpperCase()} ${baseUrl}${url}`;
    try {
      return await withRetry(
        async () => {
          let res;
          try {
            res = await http.request<unknown>({ method, url, data: body, params });
          } catch (err) {
            const code = axios.isAxiosError(err) ? (err.code ?? 'network error') : firstLine(err);
            throw new TransientFailure(`${what}: service unreachable (${code})`);
          }
          if (res.status >= 500 || res.status === 429) throw new TransientFailure(`${what}: service answered ${res.status}${describeProblem(res.data)}`);
          if (res.status >= 300) throw new MovementError('SERVICE_REFUSED', `${what}: service refused with ${res.status}${describeProblem(res.data)}`);
          return res.data;
        },
        (err) => err instanceof TransientFailure,
        options.retry,
      );
    } catch (err) {
      if (err instanceof TransientFailure) throw new MovementError('SERVICE_UNAVAILABLE', `${err.message}; gave up after ${options.retry?.attempts ?? 5} attempts`);
      throw err;
    }
  }

  return {
    baseUrl,
    async upsert(items) {
      const what = `POST ${options.collection}/batch`;
      const data = await call('post', `${options.collection}/batch`, { items });
      return { inserted: asCount(data, 'inserted', what), updated: asCount(data, 'updated', what), unchanged: asCount(data, 'unchanged', what) };
    },
    async delete(ids) {
      const what = `POST ${options.collection}/batch-delete`;
      const data = await call('post', `${options.collection}/batch-delete`, { ids });
      return { deleted: asCount(data, 'deleted', what), missing: asCount(data, 'missing', what) };
    },
    async page(page, size) {
      const data = await call('get', options.collection, undefined, { ...options.listQuery, page, size });
      const items = typeof data === 'object' && data !== null ? (data as { items?: unknown }).items : undefined;
      if (!Array.isArray(items)) throw new MovementError('SERVICE_REFUSED', `GET ${options.collection}: answer has no items list`);
      return { items: items as Array<Record<string, unknown>>, total: asCount(data, 'total', `GET ${options.collection}`) };
    },
  };
}
