import type { Logger } from '../../src/observability/logger';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream, type UpstreamHandler } from '../kit/upstream';
import { edgeTable, type EdgeTableOptions } from './edge-table';

/** Two recording upstreams (`legacy` catch-all, `fresh` for /api/products/*) behind a real gateway. */
export interface EdgeStack {
  readonly legacy: TestUpstream;
  readonly fresh: TestUpstream;
  readonly gateway: RunningGateway;
  readonly port: number;
  close(): Promise<void>;
}

export async function startStack(
  options: EdgeTableOptions & { logger?: Logger; legacyHandler?: UpstreamHandler; freshHandler?: UpstreamHandler } = {},
): Promise<EdgeStack> {
  const legacy = await startUpstream(options.legacyHandler);
  const fresh = await startUpstream(options.freshHandler);
  const gateway = await startGateway(edgeTable(legacy.url, fresh.url, options), options.logger);
  return {
    legacy,
    fresh,
    gateway,
    port: gateway.port,
    async close() {
      await gateway.close();
      await Promise.all([legacy.close(), fresh.close()]);
    },
  };
}
