import dgram from 'node:dgram';
import { isIPv4 } from 'node:net';

/** A DNS server on 127.0.0.1 that answers A and AAAA queries for names from a table the test changes. */
export interface TestDns {
  readonly server: string;
  /** The addresses a name resolves to from now on (A for IPv4, AAAA for IPv6), with this TTL. */
  set(name: string, addresses: readonly string[], ttlSeconds?: number): void;
  queries(): number;
  close(): Promise<void>;
}

/**
 * Enough of RFC 1035 for a resolver's A/AAAA lookups: one question in, the matching records out
 * (NOERROR with no answers when there are none), over UDP. No network beyond loopback.
 */
export async function startDns(): Promise<TestDns> {
  const records = new Map<string, { addresses: readonly string[]; ttl: number }>();
  let queries = 0;
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, peer) => {
    queries++;
    const { name, type, end } = question(msg);
    const entry = records.get(name.toLowerCase());
    const wanted = (entry?.addresses ?? []).filter((a) => (type === 1 ? isIPv4(a) : type === 28 ? !isIPv4(a) : false));
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(wanted.length, 6);
    const answers = wanted.map((address) => answer(type, address, entry?.ttl ?? 60));
    socket.send(Buffer.concat([header, msg.subarray(12, end), ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let closed = false;
  return {
    server: `127.0.0.1:${socket.address().port}`,
    set: (name, addresses, ttl = 60) => void records.set(name.toLowerCase(), { addresses, ttl }),
    queries: () => queries,
    close: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}

function question(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i] !== 0) {
    const length = msg[i] as number;
    labels.push(msg.subarray(i + 1, i + 1 + length).toString('ascii'));
    i += length + 1;
  }
  return { name: labels.join('.'), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

function answer(type: number, address: string, ttl: number): Buffer {
  const data = type === 1 ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

function ipv6Bytes(address: string): Buffer {
  const [left = '', right = ''] = address.split('::');
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  const groups = [...l, ...new Array<string>(8 - l.length - r.length).fill('0'), ...r];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
