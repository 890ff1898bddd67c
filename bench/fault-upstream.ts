/**
 * The fault scenario's legacy stand-in: product reads answer at once with a small JSON body;
 * `/api/reports/*` is the slow reporting module, holding each request for `--report-ms` (default
 * 1000) before answering. Plain node:http, so that what is measured is the gateway in front.
 */
import { createServer } from 'node:http';
import { announcePort, exitWithParent, flag } from './child';

const reportMs = Number(flag(process.argv, 'report-ms') ?? 1_000);
const product = Buffer.from(JSON.stringify({ id: 42, name: 'Benchmark product', price_cents: 1999, in_stock: true }));
const report = Buffer.from(JSON.stringify({ report: 'sales', rows: 1000 }));

const server = createServer((req, res) => {
  const slow = (req.url ?? '').startsWith('/api/reports/');
  const send = () => {
    const body = slow ? report : product;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  if (slow) setTimeout(send, reportMs);
  else send();
});
server.keepAliveTimeout = 65_000;

exitWithParent();
server.listen(Number(flag(process.argv, 'port') ?? 0), '127.0.0.1', () => announcePort(server));
