import type { RouteMode } from '../config/schema';
import type { RouteShadowReport } from '../shadow/types';

/**
 * The control plane's vocabulary, shared by the state store, the control service, the admin API
 * and the CLI. Every shape here is plain JSON: the admin API sends exactly these objects and the
 * CLI prints them, whether it talks to the API or to the store directly.
 */

/** Who answers a route: its mode, and for `canary` the share (0 < percent < 100) answered by new. */
export interface RouteState {
  readonly mode: RouteMode;
  /** Only in mode canary; percentage with at most two decimals. */
  readonly percent?: number;
}

/** A route's runtime state, with the version of the change that set it. */
export interface OverlayEntry extends RouteState {
  readonly version: number;
}

/** The runtime flips over routes.json: route id → state. Routes absent here follow the file. */
export type Overlay = Readonly<Record<string, OverlayEntry>>;

export interface StateVersion {
  /** 0 before the first flip; each flip or rollback adds one. */
  readonly version: number;
  readonly overlay: Overlay;
}

/** One line of the append-only audit log. */
export interface AuditEntry {
  readonly id: number;
  /** The state version this change created. */
  readonly version: number;
  /** ISO-8601 time of the change. */
  readonly at: string;
  /** Who: the operator's name as given, else the OS user (CLI) or "admin-token" (API). */
  readonly actor: string;
  /** Through what: e.g. "cli --store", "admin-api 127.0.0.1". */
  readonly via: string;
  readonly routeId: string;
  readonly action: 'flip' | 'rollback';
  readonly from: RouteState;
  readonly to: RouteState;
  readonly reason: string;
  /** True when a refused move was made with --force. */
  readonly forced: boolean;
  /** For a rollback, the id of the entry it undid. */
  readonly undoes: number | null;
}

/** A route as `routes list` shows it. */
export interface RouteView {
  readonly id: string;
  readonly path: string;
  readonly methods: readonly string[] | null;
  readonly state: RouteState;
  /** Where the state comes from: "routes.json", or the version of the flip that set it. */
  readonly source: 'routes.json' | { readonly version: number };
  readonly legacy: string | null;
  readonly new: string | null;
}

export interface RouteList {
  readonly version: number;
  readonly routes: readonly RouteView[];
  /** Overlay entries naming routes that routes.json no longer has (kept, but applied to nothing). */
  readonly orphans: readonly string[];
}

export interface FlipRequest {
  readonly to: RouteMode;
  readonly percent?: number;
  readonly reason: string;
  readonly force?: boolean;
  /** Optional operator name, recorded in the audit log. */
  readonly actor?: string;
}

export interface RollbackRequest {
  readonly reason?: string;
  readonly actor?: string;
}

/** What a flip or rollback did. */
export interface ChangeResult {
  readonly version: number;
  readonly entry: AuditEntry;
}

/** Requests an upstream received for a route since a time, across every replica that reports to the store. */
export interface TrafficCount {
  readonly upstream: string;
  readonly requests: number;
  /** ISO time of the last minute with traffic, or null. */
  readonly lastSeen: string | null;
}

export interface Explanation {
  readonly method: string;
  /** The normalised path that was matched. */
  readonly path: string;
  readonly version: number;
  readonly route: RouteView | null;
  /** Why this route: its pattern, the other routes that also match and why they lose. */
  readonly why: readonly string[];
  /** Which side would answer, in words: e.g. "new (catalog); legacy is never called". */
  readonly answer: string;
  readonly since: string;
  readonly traffic: readonly TrafficCount[];
  /**
   * The circuit breaker of each upstream the route names, as the gateway answering the admin API
   * sees it; absent when explain runs on the store alone (no live gateway, no breaker).
   */
  readonly circuits?: readonly { readonly upstream: string; readonly state: string; readonly retryAfterMs?: number }[];
}

/** The operations both the CLI and the admin API offer, implemented once (ControlService) and over HTTP (AdminClient). */
export interface Control {
  list(): Promise<RouteList>;
  explain(method: string, path: string, since: Date): Promise<Explanation>;
  /** `ifMatch`: the state version the caller saw; a newer one refuses the change (StaleVersionError). */
  flip(routeId: string, request: FlipRequest, via: string, ifMatch?: number): Promise<ChangeResult>;
  rollback(routeId: string, request: RollbackRequest, via: string, ifMatch?: number): Promise<ChangeResult>;
  history(routeId?: string, limit?: number): Promise<readonly AuditEntry[]>;
  /** Shadow comparison results since a time: one route's (empty when it has none yet), or those of every route that has results. */
  shadowReport(routeId: string | undefined, since: Date): Promise<RouteShadowReport[]>;
}
