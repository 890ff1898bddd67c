// Creates or drops the database named in a mysql:// URL; used by .ci/run for its per-run database.
import mysql from 'mysql2/promise';

async function main(action: string, raw: string): Promise<void> {
  const url = new URL(raw);
  const name = url.pathname.slice(1);
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad database name in ${url.origin}`);
  const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  try {
    if (action === 'create') await conn.query(`CREATE DATABASE \`${name}\``);
    else await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    process.stderr.write(`${action === 'create' ? 'created' : 'dropped'} database ${name}\n`);
  } finally {
    await conn.end();
  }
}

main(process.argv[2] ?? '', process.argv[3] ?? '').catch((e: unknown) => {
  process.stderr.write(`mysql-db: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
