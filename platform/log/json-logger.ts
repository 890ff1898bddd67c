import { configure } from 'safe-stable-stringify';
import winston from 'winston';
import { currentRequestId } from './request-context';

// Only for the values JSON.stringify refuses (a BigInt, a cycle); keeps the key order, as the format promises.
const fallbackStringify = configure({ bigint: true, circularValue: '[Circular]', deterministic: false });

/**
 * The services' one log format: one JSON object per line, the message first and the caller's
 * fields after it in their order, then level and timestamp, so that a line reads
 * `{"message":"orders listening","url":…}` for the people and tools that wait on it. winston's
 * own json format sorts the keys, which buries the message among the fields.
 */
const jsonLine = winston.format.printf((info) => {
  const { message, level, timestamp, ...fields } = info;
  const ordered = { message, ...fields, level, timestamp };
  try {
    return JSON.stringify(ordered);
  } catch {
    return fallbackStringify(ordered) ?? '{}';
  }
});

/** Where and how much a JSON logger writes. */
export interface JsonLoggerOptions {
  readonly level?: string;
  /** The process's name on every line (`catalog`, `orders`, `legacy-monolith`), as the gateway's lines carry `gateway`. */
  readonly service?: string;
  /** stdout when unset; tests pass their own stream to read the lines. */
  readonly stream?: NodeJS.WritableStream;
}

/**
 * The fields every line starts with: the service, and the id of the request the line is written
 * for (read when the line is logged, from the request context; absent outside a request). winston
 * copies these when a line is logged, so the getter sees the caller's context.
 */
function defaultMeta(service: string | undefined): object {
  const meta = {};
  if (service !== undefined) Object.defineProperty(meta, 'service', { value: service, enumerable: true });
  Object.defineProperty(meta, 'requestId', { get: currentRequestId, enumerable: true });
  return meta;
}

/** A logger writing that format with an ISO timestamp: what log shippers and the orchestrator parse. */
export function createJsonLogger(options: JsonLoggerOptions = {}): winston.Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: defaultMeta(options.service),
    format: winston.format.combine(winston.format.timestamp(), jsonLine),
    transports: [options.stream === undefined ? new winston.transports.Console() : new winston.transports.Stream({ stream: options.stream })],
  });
}
