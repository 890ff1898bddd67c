import winston from 'winston';

/** The gateway logs through this narrow interface so tests and embedders can pass their own. */
export type Logger = Pick<winston.Logger, 'info' | 'warn' | 'error' | 'debug'>;

/** Structured JSON lines on stdout, one object per event, with an ISO timestamp. */
export function createLogger(options: { level?: string; service?: string; stream?: NodeJS.WritableStream } = {}): winston.Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service ?? 'gateway' },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
  });
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): winston.Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
