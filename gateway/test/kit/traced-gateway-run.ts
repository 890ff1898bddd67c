import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ProbeResult, ProbeSpec } from './traced-gateway';

const ROOT = path.resolve(__dirname, '../../..');
const PROBE = path.join(__dirname, 'traced-gateway.ts');

/** The test's environment without any OTEL_* variable a developer's shell may carry, plus `extra`. */
export function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];
  return { ...env, ...extra };
}

/** Runs the traced gateway probe (asynchronously: the test's receiver must keep answering its exports). */
export function runTracedGateway(spec: ProbeSpec, env: NodeJS.ProcessEnv): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, JSON.stringify(spec)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`traced gateway exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as ProbeResult);
    });
  });
}

/** A plain upstream on port 0 that keeps the head of every request it answers. */
export interface SeenUpstream {
  readonly url: string;
  readonly seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startSeenUpstream(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<SeenUpstream> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.once('end', () => handler(req, res, seen.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** The span id a traceparent names as the parent. */
export function parentIn(traceparent: string | string[] | undefined): string {
  return String(traceparent).split('-')[2] ?? '';
}
