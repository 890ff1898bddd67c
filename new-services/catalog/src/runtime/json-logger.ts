import winston from 'winston';

/** One JSON object per line on stdout, with a timestamp: what log shippers and the orchestrator parse. */
export function createJsonLogger(level = 'info'): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
