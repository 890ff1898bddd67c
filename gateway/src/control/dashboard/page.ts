import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type express from 'express';
import type { RequestHandler, Response } from 'express';

/** Where the page's sources live: gateway/dashboard (bin/build.js copies them beside the compiled code in dist/). */
export const PAGE_DIR = path.resolve(__dirname, '../../../dashboard');

export const DASHBOARD_PATHS = { page: '/dashboard', script: '/dashboard/app.js', style: '/dashboard/app.css' } as const;

/**
 * No inline script or style, no eval, nothing from another origin, never framed, no referrer: the
 * page is an operator's console, and the admin token lives in its session storage.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageAssets {
  readonly html: string;
  readonly script: string;
  readonly style: string;
}

/**
 * The page's assets, bundled from the TypeScript sources with esbuild in memory (no generated file
 * in the repository, no build step needed to run from sources), once, on first request: the
 * gateway starts as fast as before, and a bundling failure answers 500 and is logged.
 */
export function pageAssets(dir = PAGE_DIR): () => Promise<PageAssets> {
  let built: Promise<PageAssets> | null = null;
  return () => {
    built ??= bundle(dir).catch((e: unknown) => {
      built = null;
      throw e;
    });
    return built;
  };
}

async function bundle(dir: string): Promise<PageAssets> {
  const js = await esbuild.build({
    entryPoints: [path.join(dir, 'main.ts')],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const css = await esbuild.transform(readFileSync(path.join(dir, 'styles.css'), 'utf8'), { loader: 'css', minify: true, target: 'chrome110' });
  return { html: readFileSync(path.join(dir, 'index.html'), 'utf8'), script: js.outputFiles[0]?.text ?? '', style: css.code };
}

/** The page and its two assets, answered before the admin gate: they hold no data, only the code that asks for it with the token. */
export function mountDashboardPage(app: express.Express, assets: () => Promise<PageAssets>): void {
  const serve =
    (pick: (a: PageAssets) => string, type: string): RequestHandler =>
    async (_req, res, next) => {
      try {
        pageHeaders(res).type(type).send(pick(await assets()));
      } catch (e) {
        next(e);
      }
    };
  app.get(DASHBOARD_PATHS.page, serve((a) => a.html, 'text/html; charset=utf-8'));
  app.get(DASHBOARD_PATHS.script, serve((a) => a.script, 'text/javascript; charset=utf-8'));
  app.get(DASHBOARD_PATHS.style, serve((a) => a.style, 'text/css; charset=utf-8'));
}

function pageHeaders(res: Response): Response {
  return res.set({
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
}
