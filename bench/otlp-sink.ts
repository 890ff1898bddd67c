/**
 * A local OTLP/HTTP receiver for the tracing bench: takes every export on /v1/traces, counts its
 * spans without parsing (each span has one `"spanId":` key; the bench's requests have no links)
 * and answers at once, so that it costs the machine as little as a collector on the same host
 * could. GET /count answers the spans received so far.
 */
import { createServer } from 'node:http';
import { announcePort, exitWithParent } from './child';

const KEY = '"spanId":';
let spans = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spans }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    for (let at = text.indexOf(KEY); at !== -1; at = text.indexOf(KEY, at + KEY.length)) spans += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

exitWithParent();
server.listen(0, '127.0.0.1', () => announcePort(server));
