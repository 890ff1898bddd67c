/**
 * The bench upstream: a fixed ~1 KB JSON body for any GET path, so that what the bench measures is
 * the hop in front of it, not the upstream's own work. Plain node:http keeps it as cheap as possible.
 */
import { createServer } from 'node:http';
import { announcePort, exitWithParent, flag } from './child';

const items = Array.from({ length: 12 }, (_, i) => ({
  id: `item-${String(i + 1).padStart(4, '0')}`,
  name: `Benchmark item number ${i + 1}`,
  price_cents: 1000 + i * 37,
  in_stock: i % 3 !== 0,
}));
// Serialised once: a per-request JSON.stringify would be upstream cost showing up in every target.
const body = Buffer.from(JSON.stringify({ items, total: items.length, page: 1 }));

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
});
// Longer than any proxy's idle timeout, so the proxies' pooled sockets are never closed under them.
server.keepAliveTimeout = 65_000;

exitWithParent();
server.listen(Number(flag(process.argv, 'port') ?? 0), '127.0.0.1', () => announcePort(server));
