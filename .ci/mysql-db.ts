// Drops every database whose name starts with a prefix; .ci/run gives each run its own prefix and
// calls this at the end, so no database outlives the run even if a test crashed before its cleanup.
import mysql from 'mysql2/promise';

async function main(serverUrl: string, prefix: string): Promise<void> {
  if (!/^strangler_[A-Za-z0-9_]+$/.test(prefix)) throw new Error(`refusing to drop databases with prefix "${prefix}"`);
  const url = new URL(serverUrl);
  const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  try {
    const [rows] = await conn.query('SHOW DATABASES');
    const names = (rows as { Database: string }[]).map((r) => r.Database).filter((n) => n.startsWith(prefix));
    for (const name of names) await conn.query(`DROP DATABASE \`${name}\``);
    process.stderr.write(`dropped ${names.length} test database(s) with prefix ${prefix}\n`);
  } finally {
    await conn.end();
  }
}

main(process.argv[2] ?? '', process.argv[3] ?? '').catch((e: unknown) => {
  process.stderr.write(`mysql-db: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
