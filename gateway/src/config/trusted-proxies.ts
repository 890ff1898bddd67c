import { BlockList, isIP } from 'node:net';

/** Compiles `trustedProxies` (addresses or CIDR ranges) once; returns errors by index. */
export function compileTrustedProxies(entries: readonly string[]): { list: BlockList; errors: { index: number; message: string }[] } {
  const list = new BlockList();
  const errors: { index: number; message: string }[] = [];
  entries.forEach((entry, index) => {
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    if (family === 0) {
      errors.push({ index, message: `"${entry}" is not an IP address or CIDR range` });
      return;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(addr, type);
      return;
    }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
      errors.push({ index, message: `"${entry}" has a bad prefix length` });
      return;
    }
    list.addSubnet(addr, prefix, type);
  });
  return { list, errors };
}
