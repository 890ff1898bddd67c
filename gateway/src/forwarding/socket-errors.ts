import { GatewayError } from '../pipeline/problems';

/** Socket and timeout failures while talking to an upstream, mapped to the gateway's answers. */
export function upstreamFailure(upstream: string, err: NodeJS.ErrnoException | Error): GatewayError {
  const code = 'code' in err ? err.code : undefined;
  switch (code) {
    case 'E_CONNECT_TIMEOUT':
      return new GatewayError('upstream-timeout', `upstream "${upstream}" did not accept a connection in time`, { upstream });
    case 'E_RESPONSE_TIMEOUT':
      return new GatewayError('upstream-timeout', `upstream "${upstream}" did not answer in time`, { upstream });
    case 'ECONNRESET':
    case 'EPIPE':
      return new GatewayError('upstream-reset', `upstream "${upstream}" closed the connection`, { upstream });
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GatewayError('upstream-unreachable', `upstream "${upstream}" is unreachable (${code})`, { upstream });
    default:
      return new GatewayError('upstream-unreachable', `upstream "${upstream}" failed (${code ?? err.message})`, { upstream });
  }
}

export function timeoutError(code: 'E_CONNECT_TIMEOUT' | 'E_RESPONSE_TIMEOUT'): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(code);
  e.code = code;
  return e;
}
