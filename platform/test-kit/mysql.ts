import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** A fresh MySQL/MariaDB database for one test file, under CI's per-run prefix when set. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates that database on the server named by STRANGLER_TEST_MYSQL_URL (a database in the URL is
 * ignored); CI's prefix lets it drop whatever a crashed test left behind.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.STRANGLER_TEST_MYSQL_URL;
  // Never skip: a MySQL suite that passes without MySQL proves nothing.
  if (!base) throw new Error('STRANGLER_TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306); the MySQL suite cannot run');
  const server = base.replace(/^(mysql:\/\/[^/]+).*$/, '$1');
  const name = `${process.env.STRANGLER_TEST_DB_PREFIX || 'strangler_t'}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const u = new URL(server);
  const connect = () =>
    mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  const conn = await connect();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await conn.end();
  return {
    url: `${server}/${name}`,
    async drop() {
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
