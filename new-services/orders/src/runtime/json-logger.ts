import winston from 'winston';

/**
 * One JSON object per line on stdout. The message comes first and the caller's fields follow in
 * their order, so the listening line reads `{"message":"orders listening","url":...}` for the
 * tools that wait on it.
 */
const lineFormat = winston.format.printf((info) => {
  const { message, level, timestamp, ...meta } = info;
  return JSON.stringify({ message, ...meta, level, timestamp });
});

export function createJsonLogger(level = 'info'): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), lineFormat),
    transports: [new winston.transports.Console()],
  });
}
