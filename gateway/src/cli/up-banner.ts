/** What `strangler up` prints once every component is ready: where each one is and what to try first. */
export interface UpBanner {
  readonly seconds: number;
  readonly gateway: string;
  readonly adminUrl: string | undefined;
  readonly tokenAt: string;
  readonly legacy: string;
  readonly catalogs: readonly string[];
  readonly orders: string;
  readonly inventory: string;
  /** Where spans go and how to read them (see up-trace.ts); empty when tracing is off. */
  readonly tracing: readonly string[];
}

export function upBanner(s: UpBanner): string {
  return [
    '',
    `strangler is up (${s.seconds.toFixed(1)}s):`,
    `  gateway           ${s.gateway}`,
    `  try               curl ${s.gateway}/api/products?size=3`,
    `  new contract      curl ${s.gateway}/api/v2/products/1`,
    `  health            ${s.gateway}/healthz`,
    `  metrics           ${s.gateway}/metrics`,
    `  admin API         ${s.adminUrl ?? '(off)'} (token: ${s.tokenAt})`,
    `  flip a route      npx strangler routes flip v2.products --to shadow --reason "first look"`,
    `  legacy monolith   ${s.legacy} (direct; clients go through the gateway)`,
    `  catalog service   ${s.catalogs[0]}`,
    ...s.catalogs.slice(1).map((url) => `  catalog instance  ${url} (the gateway balances between them)`),
    `  orders service    ${s.orders}`,
    `  inventory service ${s.inventory}`,
    ...s.tracing,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
