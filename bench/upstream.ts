/**
 * The bench upstream: a fixed ~1 KB JSON body for any GET path, so that what the bench measures is
 * the hop in front of it, not the upstream's own work. Plain node:http keeps it as cheap as possible.
 * `/legacy/products?size=N` (1..5000, default 50) answers a clean legacy product page for the ACL phase.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { announcePort, exitWithParent, flag } from './child';
import { allRows, legacyProductPage, LEGACY_PAGE_MAX } from './legacy-page';

const items = Array.from({ length: 12 }, (_, i) => ({
  id: `item-${String(i + 1).padStart(4, '0')}`,
  name: `Benchmark item number ${i + 1}`,
  price_cents: 1000 + i * 37,
  in_stock: i % 3 !== 0,
}));
// Serialised once: a per-request JSON.stringify would be upstream cost showing up in every target.
const body = Buffer.from(JSON.stringify({ items, total: items.length, page: 1 }));

// Rows generated once at start; each page size is serialised on first request and then served as is.
const rows = allRows();
const pages = new Map<number, Buffer>();
const LEGACY_PATH = '/legacy/products';

function legacyPage(query: string): Buffer | undefined {
  const size = Number(new URLSearchParams(query).get('size') ?? 50);
  if (!Number.isInteger(size) || size < 1 || size > LEGACY_PAGE_MAX) return undefined;
  const cached = pages.get(size);
  if (cached !== undefined) return cached;
  const page = Buffer.from(JSON.stringify(legacyProductPage(size, rows)));
  // The bench asks for two sizes; the cap only keeps a curious caller from filling memory.
  if (pages.size < 8) pages.set(size, page);
  return page;
}

// `--delay-ms N` makes this an instance that answers N ms late (the pool scenario's slow one).
const delayMs = Number(flag(process.argv, 'delay-ms') ?? 0);

const server = createServer((req, res) => {
  if (delayMs > 0) setTimeout(() => answer(req, res), delayMs);
  else answer(req, res);
});

function answer(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let payload: Buffer = body;
  if ((q < 0 ? url : url.slice(0, q)) === LEGACY_PATH) {
    const page = legacyPage(q < 0 ? '' : url.slice(q + 1));
    if (page === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`size must be an integer from 1 to ${LEGACY_PAGE_MAX}\n`);
      return;
    }
    payload = page;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(req.method === 'HEAD' ? undefined : payload);
}
// Longer than any proxy's idle timeout, so the proxies' pooled sockets are never closed under them.
server.keepAliveTimeout = 65_000;

exitWithParent();
server.listen(Number(flag(process.argv, 'port') ?? 0), '127.0.0.1', () => announcePort(server));
