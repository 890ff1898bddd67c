/**
 * Every path the admin API serves, in one list: the admin app registers exactly these, and the
 * public listener refuses (404, never forwarded) every path in the sections they open, so that an
 * admin endpoint added here can never be missed on the public side.
 */
export const ADMIN_PATHS = {
  routes: '/admin/routes',
  explain: '/admin/routes/explain',
  flip: '/admin/routes/:id/flip',
  rollback: '/admin/routes/:id/rollback',
  history: '/admin/history',
  shadowReport: '/admin/shadow/report',
  rollouts: '/admin/rollouts',
  rollout: '/admin/routes/:id/rollout',
  rolloutAction: '/admin/routes/:id/rollout/:action',
  dashboardOverview: '/admin/dashboard/overview',
  dashboardBurndown: '/admin/dashboard/burndown',
  dashboardPreview: '/admin/dashboard/routes/:id/preview',
  dashboardTraffic: '/admin/dashboard/routes/:id/traffic',
} as const;

/**
 * The sections the admin API owns: the first two segments of its paths (`/admin/routes`,
 * `/admin/history`, `/admin/shadow`), lower case. A monolith's own `/admin/login` is not one.
 */
export const ADMIN_SECTIONS: readonly string[] = [...new Set(Object.values(ADMIN_PATHS).map((p) => p.split('/').slice(0, 3).join('/').toLowerCase()))];

/**
 * True when a normalised public path lies in an admin section, in any letter case (the admin
 * app's router matches without regard to case, and so might an upstream's) and with any `;`
 * parameters on its segments (which servlet containers strip: `/admin;x=1/routes`).
 */
export function isAdminPath(path: string): boolean {
  const lower = path.toLowerCase();
  const plain = lower.includes(';') ? lower.replace(/;[^/]*/g, '') : lower;
  return ADMIN_SECTIONS.some((s) => plain === s || plain.startsWith(`${s}/`));
}
