import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteTable } from '../config/table';
import type { Logger } from '../observability/logger';
import { createAdminServer } from './admin-api';
import { ControlService } from './control';
import { StateFollower } from './follower';
import { openStateStore, type StateStore } from './state-store';
import { TrafficRecorder } from './traffic';
import { watchRouteTable } from './watch-routes';

export interface PlaneOptions {
  readonly stateUrl: string;
  readonly routesFile: string;
  /** Compiles routes.json (the same options the gateway started with). */
  readonly load: (file: string) => RouteTable;
  readonly baseline: RouteTable;
  readonly swap: (table: RouteTable) => void;
  readonly logger: Logger;
  readonly replica: string;
  /** Where the admin API listens; null: no admin listener. */
  readonly admin: { readonly host: string; readonly port: number; readonly token: string | undefined } | null;
  readonly pollMs?: number;
  readonly watch?: boolean;
}

export interface ControlPlane {
  readonly store: StateStore;
  readonly traffic: TrafficRecorder;
  readonly follower: StateFollower;
  /** The admin API's URL, when it listens. */
  readonly adminUrl: string | null;
  close(): Promise<void>;
}

/**
 * Everything in a gateway process that is not the request path: the state store, the follower
 * that applies its versions, the routes.json watcher, the traffic recorder and the admin API
 * (its own listener, never the public one). The baseline the control service checks flips
 * against is the one the follower serves, so both always agree.
 */
export async function startControlPlane(o: PlaneOptions): Promise<ControlPlane> {
  const store = openStateStore(o.stateUrl);
  const follower = new StateFollower({ store, swap: o.swap, logger: o.logger, ...(o.pollMs ? { pollMs: o.pollMs } : {}) }, o.baseline);
  let baseline = o.baseline;
  // Watching starts before anything is awaited, so that an edit made during start-up is not missed.
  const watcher =
    o.watch === false
      ? null
      : watchRouteTable({
          file: o.routesFile,
          load: o.load,
          logger: o.logger,
          onTable: (table) => {
            baseline = table;
            follower.setBaseline(table);
          },
        });
  try {
    await store.migrate();
    await follower.start();
  } catch (e) {
    watcher?.close();
    await store.close();
    throw e;
  }
  const traffic = new TrafficRecorder(store, o.replica, o.logger);
  traffic.start();
  let admin: http.Server | null = null;
  let adminUrl: string | null = null;
  if (o.admin) {
    const control = new ControlService({ store, baseline: () => baseline });
    admin = createAdminServer({ control, token: o.admin.token, logger: o.logger });
    const server = admin;
    const { host, port } = o.admin;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    adminUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  }
  return {
    store,
    traffic,
    follower,
    adminUrl,
    async close() {
      watcher?.close();
      follower.stop();
      if (admin) {
        const server = admin;
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
      }
      await traffic.stop();
      await store.close();
    },
  };
}
