import { configure } from 'safe-stable-stringify';
import winston from 'winston';
import { BatchedTransport } from './batched-transport';

/** The gateway logs through this narrow interface so tests and embedders can pass their own. */
export type Logger = Pick<winston.Logger, 'info' | 'warn' | 'error' | 'debug'>;

/** Writes one log line of `level`: the message and its fields. */
export type LineWriter = (level: 'info' | 'warn', message: string, fields: object) => void;

/** The fast writers of the loggers createLogger made, by logger. */
const writers = new WeakMap<object, LineWriter>();

/** Structured JSON lines on stdout (or the given stream), one object per event, with an ISO timestamp. */
export function createLogger(options: { level?: string; service?: string; stream?: NodeJS.WritableStream } = {}): winston.Logger {
  const level = options.level ?? 'info';
  const service = options.service ?? 'gateway';
  const transport = new BatchedTransport({ stream: options.stream ?? process.stdout });
  const logger = winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), jsonLine()),
    transports: [transport],
  });
  const threshold = winston.config.npm.levels[level] ?? 2;
  const head = `{"service":${JSON.stringify(service)},`;
  // The same line winston would write ({service, ...fields, level, message, timestamp}), made
  // directly: winston's stream pipeline per line was the largest part of logging a request.
  writers.set(logger, (lineLevel, message, fields) => {
    if ((winston.config.npm.levels[lineLevel] ?? 0) > threshold) return;
    const json = JSON.stringify(fields);
    const tail = `"level":"${lineLevel}","message":${JSON.stringify(message)},"timestamp":"${new Date().toISOString()}"}`;
    transport.append(json.length > 2 ? `${head}${json.slice(1, -1)},${tail}` : `${head}${tail}`);
  });
  return logger;
}

/**
 * The fastest way to write lines to a logger: straight into the batch of one that createLogger
 * made, else through the logger's own methods (a test's recorder, an embedder's logger).
 */
export function lineWriter(logger: Logger): LineWriter {
  return writers.get(logger) ?? ((level, message, fields) => logger[level](message, fields));
}

/** winston's (triple-beam's) key for the finished line. */
const MESSAGE = Symbol.for('message');
const fallbackStringify = configure({ bigint: true, circularValue: '[Circular]' });

/**
 * One JSON object per line, like winston's json format, but through the native JSON.stringify:
 * the json format hands safe-stable-stringify a replacer, which sends every key through a
 * function call (3% of the gateway's time per request). Values the native call cannot write
 * (a BigInt, a cycle) still get a line, through safe-stable-stringify.
 */
const jsonLine = winston.format((info) => {
  let line: string;
  try {
    line = JSON.stringify(info);
  } catch {
    line = fallbackStringify(info) ?? '{}';
  }
  (info as unknown as Record<symbol, string>)[MESSAGE] = line;
  return info;
});

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): winston.Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
