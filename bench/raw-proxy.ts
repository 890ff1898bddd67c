/**
 * The raw peer: the least a Node reverse proxy can be (node:http both ways, a keep-alive agent of
 * 256 sockets, status and headers copied, bodies piped, no logging, no routing, no checks). The
 * gateway_vs_raw ratio says what everything the gateway does costs on top of Node itself. Its
 * callbacks are inline and anonymous, so running it through tsx adds nothing per request.
 */
import http from 'node:http';
import { announcePort, exitWithParent, flag } from './child';

const target = new URL(flag(process.argv, 'target') ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const server = http.createServer((req, res) => {
  const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});

exitWithParent();
server.listen(Number(flag(process.argv, 'port') ?? 0), '127.0.0.1', () => announcePort(server));
