import type { IncomingMessage } from 'node:http';
import type { Limits } from '../config/schema';
import { GatewayError } from './problems';

/**
 * Refusals decided from the request head alone, before routing: request smuggling shapes
 * (two Hosts, a Transfer-Encoding other than `chunked`), oversize targets and heads, and bodies
 * declared larger than the limit (refused before any upstream connection is opened).
 */
export function checkRequestHead(req: IncomingMessage, limits: Limits): GatewayError | null {
  const url = req.url ?? '';
  if (url.length > limits.maxUrlBytes) return new GatewayError('uri-too-long', `request target is ${url.length} bytes; the limit is ${limits.maxUrlBytes}`);
  const raw = req.rawHeaders;
  let hosts = 0;
  let encodings = 0;
  let headBytes = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    headBytes += name.length + (raw[i + 1] as string).length + 4;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') encodings++;
  }
  if (headBytes > limits.maxHeaderBytes) return new GatewayError('headers-too-large', `request headers are ${headBytes} bytes; the limit is ${limits.maxHeaderBytes}`);
  if (hosts > 1) return new GatewayError('duplicate-host', 'a request must carry exactly one Host header');
  if (encodings > 0) {
    const te = req.headers['transfer-encoding'];
    if (encodings > 1 || te !== 'chunked') return new GatewayError('bad-transfer-encoding', 'only "Transfer-Encoding: chunked" is accepted');
  }
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > limits.maxBodyBytes) {
    return new GatewayError('payload-too-large', `request body is ${length} bytes; the limit is ${limits.maxBodyBytes}`);
  }
  return null;
}
