import net from 'node:net';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { edgeTable } from './edge-table';
import { send } from '../kit/http-client';
import { captureLogs, type LogCapture } from '../kit/log-capture';
import { startProbeUpstream, type ProbeUpstream } from './probe-upstream';
import { eventually } from '../../../platform/test-kit/eventually';

/** A client that goes away cancels the upstream call instead of leaving it running. */
describe('a client that aborts mid-request', () => {
  let legacy: TestUpstream;
  let fresh: ProbeUpstream;
  let gw: RunningGateway;
  let logs: LogCapture;
  beforeEach(async () => {
    legacy = await startUpstream();
    fresh = await startProbeUpstream(); // holds every request until the test answers
    logs = captureLogs();
    gw = await startGateway(edgeTable(legacy.url, fresh.url), logs.logger);
  });
  afterEach(async () => {
    await gw.close();
    await legacy.close();
    await fresh.close();
  });

  it('while uploading: the upstream request is aborted before its body ends', async () => {
    const socket = net.connect(gw.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const probe = fresh.nextRequest();
    socket.write('POST /api/products/upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 100000\r\n\r\n' + 'a'.repeat(1000));
    const p = await probe;
    await eventually(() => p.bytes > 0);
    socket.destroy();
    await eventually(() => p.aborted);
    expect(p.ended).toBe(false);
  });

  it('while waiting for the answer: the upstream request is aborted', async () => {
    const socket = net.connect(gw.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const probe = fresh.nextRequest();
    socket.write('GET /api/products/slow HTTP/1.1\r\nHost: gw\r\n\r\n');
    const p = await probe;
    socket.destroy();
    await eventually(() => p.aborted);
  });

  it('is logged as 499 and the gateway keeps serving', async () => {
    const socket = net.connect(gw.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const probe = fresh.nextRequest();
    socket.write('GET /api/products/slow HTTP/1.1\r\nHost: gw\r\nX-Request-Id: abort-1\r\n\r\n');
    await probe;
    socket.destroy();
    await eventually(() => logs.entries().some((e) => e.requestId === 'abort-1'));
    expect(logs.entries().find((e) => e.requestId === 'abort-1')).toMatchObject({ status: 499, route: 'products' });
    expect((await send(gw.port, '/other')).status).toBe(200);
  });
});
