import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteTable } from '../config/table';
import { inProgress } from '../http/connections';
import { closingSockets } from '../http/problems';
import { lineWriter, type Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import { Exchange, type Stage } from './exchange';
import { logExchange, statusOf } from './log';
import { endRequestSpan } from './request-span';
import type { CanaryOutcomeSink } from './outcome';

export interface PipelineDeps {
  /** The table in service; read once per request so that a swap never splits a request. */
  readonly table: () => RouteTable;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Told how each canary request ended (the rollout's evidence). */
  readonly canary?: CanaryOutcomeSink;
}

/**
 * The proxied-traffic path as a plain Node request listener: the stages run in order (each calls
 * `x.next()` or answers), and when the response closes the exchange ends, once, and is logged.
 * Fixed outer stages and an editable middle, as YARP's pipeline has: the composition root lists them.
 */
export function createPipeline(stages: readonly Stage[], deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics } = deps;
  const write = lineWriter(deps.logger);
  return (req, res) => {
    // A request parsed behind one that was refused on this connection is never served (it may be a smuggled one).
    if (closingSockets.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    const x = new Exchange(req, res, deps.table(), stages);
    // Ends when its response closes, or with its connection (a pipelined request whose answer never got its turn).
    const ended = () => {
      if (x.ended) return;
      x.end();
      done();
      logExchange(x, write, metrics, deps.canary);
      endRequestSpan(x, statusOf(x));
    };
    const done = inProgress(req.socket, ended);
    res.once('close', ended);
    x.next();
  };
}
