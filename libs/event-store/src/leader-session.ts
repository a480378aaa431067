import pg from 'pg';

/**
 * A session that holds a Postgres advisory lock: the leadership of one job among replicas (one
 * outbox relay, one projector per database). The lock ends with the session, so a crashed or
 * partitioned leader loses it and a standby's next attempt wins. `undefined`: someone else leads.
 */
export async function tryLeaderSession(
  databaseUrl: string,
  lockName: string,
  applicationName: string,
): Promise<pg.Client | undefined> {
  const session = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
  session.on('error', () => undefined);
  await session.connect();
  try {
    const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      lockName,
    ]);
    if (rows[0]?.locked) return session;
  } catch {
    // Treated as not leading: the caller tries again later.
  }
  await session.end().catch(() => undefined);
  return undefined;
}
