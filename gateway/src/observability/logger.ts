import winston from 'winston';
import { BatchedTransport } from './batched-transport';

/** The gateway logs through this narrow interface so tests and embedders can pass their own. */
export type Logger = Pick<winston.Logger, 'info' | 'warn' | 'error' | 'debug'>;

/** Structured JSON lines on stdout (or the given stream), one object per event, with an ISO timestamp. */
export function createLogger(options: { level?: string; service?: string; stream?: NodeJS.WritableStream } = {}): winston.Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service ?? 'gateway' },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new BatchedTransport({ stream: options.stream ?? process.stdout })],
  });
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): winston.Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
