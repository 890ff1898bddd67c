import { GatewayError } from '../http/problems';

/** How a try failed before any of its answer reached the client. */
export type FailureKind = 'connect' | 'reset' | 'timeout' | 'status' | 'refused';

/** The errors of connecting, as Node and undici name them. */
const CONNECT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'E_CONNECT_TIMEOUT']);

/** Socket and timeout failures while talking to an upstream, mapped to the gateway's answers. */
export function upstreamFailure(upstream: string, err: NodeJS.ErrnoException | Error): GatewayError {
  const code = 'code' in err ? err.code : undefined;
  switch (code) {
    case 'E_CONNECT_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError('upstream-timeout', `upstream "${upstream}" did not accept a connection in time`, { upstream });
    case 'E_RESPONSE_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError('upstream-timeout', `upstream "${upstream}" did not answer in time`, { upstream });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new GatewayError('upstream-reset', `upstream "${upstream}" closed the connection`, { upstream });
    default:
      if (code !== undefined && CONNECT_CODES.has(code)) return new GatewayError('upstream-unreachable', `upstream "${upstream}" is unreachable (${code})`, { upstream });
      return new GatewayError('upstream-unreachable', `upstream "${upstream}" failed (${code ?? err.message})`, { upstream });
  }
}

/** A failure raised while the try had no connection yet is a connect failure, whatever its code. */
export function failureKind(connected: boolean, err: Error): FailureKind {
  const code = 'code' in err ? (err as NodeJS.ErrnoException).code : undefined;
  if (!connected || (code !== undefined && CONNECT_CODES.has(code))) return 'connect';
  return code === 'UND_ERR_HEADERS_TIMEOUT' ? 'timeout' : 'reset';
}

export function timeoutError(code: 'E_CONNECT_TIMEOUT' | 'E_RESPONSE_TIMEOUT'): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(code);
  e.code = code;
  return e;
}
