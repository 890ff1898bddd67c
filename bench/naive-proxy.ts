/**
 * The naive peer: the smallest gateway anyone would write with the same building blocks (express 5
 * and http-proxy-middleware 3), given the one setting any production setup adds: a keep-alive agent. The strangler gateway is judged against it, because a
 * ratio to this says what the gateway's routing, resilience and observability cost on top.
 */
import http from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { announcePort, exitWithParent, flag } from './child';

const target = flag(process.argv, 'target');
if (!target) {
  process.stderr.write('naive-proxy: --target <url> is required\n');
  process.exit(2);
}

const app = express();
// Without an agent http-proxy opens a new upstream connection per request; at bench rates that
// exhausts the ephemeral ports within seconds and the ratio would measure TIME_WAIT, not a proxy.
// A keep-alive agent makes it a fair peer: the gateway must win on its own hot path.
app.use(createProxyMiddleware({ target, changeOrigin: true, agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) }));

exitWithParent();
const server = app.listen(Number(flag(process.argv, 'port') ?? 0), '127.0.0.1', () => announcePort(server));
