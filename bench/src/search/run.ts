/**
 * bench/search: the archive search (`search_chats`) over 1,000,000 messages. Loads chats and
 * messages straight into the conversation service's tables (`conversation.chats`,
 * `conversation.search_messages`, `conversation.search_ratings`) of a database of its own with
 * `generate_series` — one INSERT … SELECT each, the words computed by Postgres — then times the
 * service's own query (`searchMessages`) for a word within a 30-day range, as a supervisor and
 * as an agent, and the same searches as trigram (pg_trgm) `ILIKE` over a GIN trigram index for
 * comparison. Writes its section of bench/RESULTS.md.
 *
 *   pnpm bench:search                 (DATABASE_URL, else the local server)
 *   MESSAGES=200000 RUNS=100 pnpm bench:search
 *   BENCH_NOTE="what else ran" pnpm bench:search
 */
import { sql, type Kysely } from 'kysely';
import type { Actor } from '@livedesk/contracts';
import { createDatabase } from '@livedesk/event-store';
import { createTestDatabase } from '@livedesk/testing';
import { migrateReadModel } from '../../../services/conversation/dist/read-model/migrate-read-model.js';
import {
  searchMessages,
  type SearchMessagesQuery,
} from '../../../services/conversation/dist/read-model/message-search-table.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000);
const MESSAGES_PER_CHAT = 20;
const RUNS = Number(process.env.RUNS ?? 200);
const LOAD_SLICE = 100_000;
const ORGANIZATIONS = 10;
const VOCABULARY = 5000;
const AGENTS = 50;
const TARGET_P95_MS = 100;
/** The archive spans a year; the searched range is 30 days of it. */
const YEAR_START = Date.parse('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;

/** Pseudo-words of two or three syllables (bench_word): `simple` splits them as a language's words. */
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'vo',
  'si',
  'de',
  'pa',
  'zu',
  'ber',
  'gan',
  'tor',
  'lin',
  'mas',
  'ken',
  'dro',
  'fel',
  'wix',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(db: Kysely<any>): Promise<{ seconds: number; chats: number }> {
  const started = Date.now();
  const chats = Math.ceil(MESSAGES / MESSAGES_PER_CHAT);
  // The service's indexes (the migration's), dropped for the load and made again after it from
  // their own definitions: one index build is much faster than a million index insertions.
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = 'conversation' AND tablename IN ('chats', 'search_messages') AND indexname NOT LIKE '%_pkey'`.execute(
    db,
  );
  for (const index of indexes) await sql`DROP INDEX ${sql.id('conversation', index.name)}`.execute(db);
  // The word of rank i, two or three syllables (a constant array: a subscript of a big array
  // column would unpack all of it for every word).
  const syllables = sql.raw(`ARRAY[${SYLLABLES.map((syllable) => `'${syllable}'`).join(',')}]`);
  await sql`
    CREATE FUNCTION public.bench_word(i int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT (${syllables})[1 + i % 20] || (${syllables})[1 + (i / 20) % 20] || CASE WHEN i >= 400 THEN (${syllables})[1 + (i / 400) % 20] ELSE '' END
    $$`.execute(db);
  // Organization 0 holds half of the chats (the big tenant every search below is made in).
  await sql`
    INSERT INTO conversation.chats (chat_id, organization_id, customer_id, group_id, channel, status, assigned_agent_id, agent_ids, page, started_at, updated_at, version)
    SELECT 'chat-' || c,
           'org-' || CASE WHEN c % 2 = 0 THEN 0 ELSE 1 + c % ${ORGANIZATIONS - 1} END,
           'cust-' || c, 'group-' || (c % 5), 'chat',
           CASE WHEN c % 50 = 0 THEN 'active' WHEN c % 97 = 0 THEN 'queued' ELSE 'resolved' END,
           'agent-' || (c % ${AGENTS}), ARRAY['agent-' || (c % ${AGENTS})], NULL,
           to_timestamp(${YEAR_START / 1000}::double precision + (c::double precision / ${chats}) * 365 * 86400),
           to_timestamp(${YEAR_START / 1000}::double precision + (c::double precision / ${chats}) * 365 * 86400),
           40
      FROM generate_series(1, ${chats}) AS c`.execute(db);
  // Words drawn with a skew (rank ~ random()^3): a few very common, most rare, as in real text;
  // 6 to 12 words a message. Milliseconds only, as the event store writes them (the cursor keeps
  // milliseconds). In slices, so that a slow machine shows its progress.
  for (let first = 1; first <= MESSAGES; first += LOAD_SLICE) {
    const last = Math.min(MESSAGES, first + LOAD_SLICE - 1);
    await sql`
      INSERT INTO conversation.search_messages (event_id, organization_id, chat_id, version, message_id, author_kind, author_id, internal, text, language, words, posted_at)
      SELECT gen_random_uuid(), ch.organization_id, ch.chat_id, m.n + 1, 'msg-' || m.g,
             CASE WHEN m.n % 2 = 0 THEN 'customer' ELSE 'agent' END,
             CASE WHEN m.n % 2 = 0 THEN ch.customer_id ELSE ch.assigned_agent_id END,
             m.n = 7, m.text, 'simple', to_tsvector('simple'::regconfig, m.text),
             date_trunc('milliseconds', ch.started_at + make_interval(secs => m.n * 45))
        FROM (
          SELECT g, g % ${MESSAGES_PER_CHAT} AS n, 1 + (g - 1) / ${MESSAGES_PER_CHAT} AS c,
                 concat_ws(' ',
                   bench_word(floor(${VOCABULARY} * power(random(), 3))::int),
                   bench_word(floor(${VOCABULARY} * power(random(), 3))::int),
                   bench_word(floor(${VOCABULARY} * power(random(), 3))::int),
                   bench_word(floor(${VOCABULARY} * power(random(), 3))::int),
                   bench_word(floor(${VOCABULARY} * power(random(), 3))::int),
                   bench_word(floor(${VOCABULARY} * power(random(), 3))::int),
                   CASE WHEN g % 2 = 0 THEN bench_word(floor(${VOCABULARY} * power(random(), 3))::int) END,
                   CASE WHEN g % 3 = 0 THEN bench_word(floor(${VOCABULARY} * power(random(), 3))::int) END,
                   CASE WHEN g % 4 = 0 THEN bench_word(floor(${VOCABULARY} * power(random(), 3))::int) END,
                   CASE WHEN g % 5 = 0 THEN bench_word(floor(${VOCABULARY} * power(random(), 3))::int) END,
                   CASE WHEN g % 6 = 0 THEN bench_word(floor(${VOCABULARY} * power(random(), 3))::int) END,
                   CASE WHEN g % 7 = 0 THEN bench_word(floor(${VOCABULARY} * power(random(), 3))::int) END) AS text
            FROM generate_series(${first}::int, ${last}::int) AS g
        ) AS m
        JOIN conversation.chats ch ON ch.chat_id = 'chat-' || m.c`.execute(db);
    console.log(
      `loaded ${last.toLocaleString('en')} of ${MESSAGES.toLocaleString('en')} messages after ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  await sql`
    INSERT INTO conversation.search_ratings (chat_id, organization_id, score)
    SELECT chat_id, organization_id, 1 + (abs(hashtext(chat_id)) % 5) FROM conversation.chats WHERE status = 'resolved' AND abs(hashtext(chat_id)) % 3 = 0`.execute(
    db,
  );
  await db.connection().execute(async (connection) => {
    await sql`SET maintenance_work_mem = '256MB'`.execute(connection);
    for (const index of indexes) await sql.raw(index.definition).execute(connection);
  });
  await sql`ANALYZE conversation.chats`.execute(db);
  await sql`ANALYZE conversation.search_messages`.execute(db);
  await sql`ANALYZE conversation.search_ratings`.execute(db);
  return { seconds: (Date.now() - started) / 1000, chats };
}

interface Case {
  name: string;
  run: (from: string, to: string) => Promise<number>;
}

async function time(runCase: Case): Promise<{ p50: number; p95: number; hits: number }> {
  const durations: number[] = [];
  let hits = 0;
  // Warm-up, then RUNS runs over ranges spread over the year.
  for (let i = 0; i < 5; i++)
    await runCase.run(new Date(YEAR_START).toISOString(), new Date(YEAR_START + 30 * DAY).toISOString());
  for (let i = 0; i < RUNS; i++) {
    const start = YEAR_START + Math.floor(((i * 7919) % 330) * DAY);
    const from = new Date(start).toISOString();
    const to = new Date(start + 30 * DAY).toISOString();
    const began = process.hrtime.bigint();
    hits += await runCase.run(from, to);
    durations.push(Number(process.hrtime.bigint() - began) / 1e6);
  }
  durations.sort((a, b) => a - b);
  return { p50: percentile(durations, 50), p95: percentile(durations, 95), hits: hits / RUNS };
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const db = createDatabase(database.url, { max: 2 });
  try {
    await migrateReadModel(db);
    const { seconds, chats } = await load(db);
    // How common each word is, from a 2 % sample of the messages (the same blocks both times).
    const { rows: sampled } = await sql<{
      count: number;
    }>`SELECT count(*)::int AS count FROM conversation.search_messages TABLESAMPLE SYSTEM (2) REPEATABLE (7)`.execute(
      db,
    );
    const { rows: frequency } = await sql<{ word: string; share: number }>`
      SELECT word, ndoc::float / ${sampled[0]!.count} AS share
        FROM ts_stat('SELECT words FROM conversation.search_messages TABLESAMPLE SYSTEM (2) REPEATABLE (7)') ORDER BY ndoc DESC`.execute(
      db,
    );
    const near = (share: number) =>
      frequency.reduce((best, row) => (Math.abs(row.share - share) < Math.abs(best.share - share) ? row : best));
    const chosen = { common: near(0.05).word, medium: near(0.005).word, rare: near(0.0002).word };
    // The exact share of each chosen word, counted over all the messages.
    const shareOf = async (word: string) => {
      const { rows } = await sql<{
        count: number;
      }>`SELECT count(*)::int AS count FROM conversation.search_messages WHERE words @@ to_tsquery('simple', ${word})`.execute(
        db,
      );
      return `${((100 * rows[0]!.count) / MESSAGES).toFixed(2)} %`;
    };
    const words = {
      common: { word: chosen.common, share: await shareOf(chosen.common) },
      medium: { word: chosen.medium, share: await shareOf(chosen.medium) },
      rare: { word: chosen.rare, share: await shareOf(chosen.rare) },
    };
    const supervisor: Actor = { kind: 'agent', id: 'agent-sup', role: 'supervisor', agent_kind: 'human' };
    const agent: Actor = { kind: 'agent', id: 'agent-2', role: 'agent', agent_kind: 'human' };
    const fts =
      (actor: Actor, word: string): Case['run'] =>
      async (from, to) => {
        const query: SearchMessagesQuery = {
          organizationId: 'org-0',
          actor,
          text: word,
          language: 'simple',
          filters: { from, to },
          limit: 20,
        };
        return (await searchMessages(db, query)).hits.length;
      };

    const cases: Case[] = [
      {
        name: `word in ${words.common.share} of messages ("${words.common.word}"), 30 days, supervisor`,
        run: fts(supervisor, words.common.word),
      },
      {
        name: `word in ${words.medium.share} ("${words.medium.word}"), 30 days, supervisor`,
        run: fts(supervisor, words.medium.word),
      },
      {
        name: `word in ${words.rare.share} ("${words.rare.word}"), 30 days, supervisor`,
        run: fts(supervisor, words.rare.word),
      },
      {
        name: `word in ${words.medium.share} ("${words.medium.word}"), 30 days, agent (own chats)`,
        run: fts(agent, words.medium.word),
      },
      {
        name: `word in ${words.medium.share} ("${words.medium.word}"), 30 days, second page (cursor)`,
        run: async (from, to) => {
          const base: SearchMessagesQuery = {
            organizationId: 'org-0',
            actor: supervisor,
            text: words.medium.word,
            language: 'simple',
            filters: { from, to },
            limit: 20,
          };
          const first = await searchMessages(db, base);
          return first.nextCursor ? (await searchMessages(db, { ...base, cursor: first.nextCursor })).hits.length : 0;
        },
      },
    ];
    const ftsResults = [];
    for (const runCase of cases) ftsResults.push({ name: runCase.name, ...(await time(runCase)) });

    // The alternative: trigram ILIKE over a GIN trigram index, the same filters and order.
    const indexStarted = Date.now();
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX bench_search_trigrams ON conversation.search_messages USING gin (text gin_trgm_ops)`.execute(
      db,
    );
    await sql`ANALYZE conversation.search_messages`.execute(db);
    const trigramIndexSeconds = (Date.now() - indexStarted) / 1000;
    const trigram =
      (word: string): Case['run'] =>
      async (from, to) => {
        const { rows } = await sql`
        SELECT m.event_id FROM conversation.search_messages m JOIN conversation.chats c ON c.chat_id = m.chat_id
         WHERE m.organization_id = 'org-0' AND c.organization_id = 'org-0' AND m.text ILIKE ${`%${word}%`}
           AND m.posted_at >= ${from}::timestamptz AND m.posted_at < ${to}::timestamptz
         ORDER BY m.posted_at DESC, m.event_id DESC LIMIT 21`.execute(db);
        return Math.min(rows.length, 20);
      };
    const trigramResults = [];
    for (const { share: label, word } of [words.common, words.medium, words.rare]) {
      trigramResults.push({
        name: `trigram ILIKE '%${word}%' (word in ${label}), 30 days, supervisor`,
        ...(await time({ name: word, run: trigram(word) })),
      });
    }
    const { rows: sizes } = await sql<{ name: string; size: string }>`
      SELECT c.relname AS name, pg_size_pretty(pg_relation_size(c.oid)) AS size FROM pg_class c
       WHERE c.relname IN ('search_messages', 'search_messages_words', 'search_messages_by_time', 'bench_search_trigrams')`.execute(
      db,
    );
    const size = (name: string) => sizes.find((row) => row.name === name)?.size ?? '?';
    const { rows: version } = await sql<{
      version: string;
    }>`SELECT split_part(version(), ' on ', 1) AS version`.execute(db);

    const worst = Math.max(...ftsResults.map((result) => result.p95));
    const row = (result: { name: string; p50: number; p95: number; hits: number }) =>
      `| ${result.name} | ${result.p50.toFixed(1)} | ${result.p95.toFixed(1)} | ${result.hits.toFixed(1)} |`;
    const note = process.env.BENCH_NOTE ? `\n\nAlso running: ${process.env.BENCH_NOTE}.` : '';
    const markdown = `## search (\`pnpm bench:search\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine([`${version[0]!.version} on the same machine`])}; ${MESSAGES.toLocaleString('en')} messages in ${chats.toLocaleString('en')} chats of ${ORGANIZATIONS} organizations (half of the chats in the one searched), over one year, words drawn from ${VOCABULARY.toLocaleString('en')} with a skew; loaded with \`generate_series\` (INSERT … SELECT in slices of 100,000, indexes made after) in ${seconds.toFixed(0)} s (words computed by Postgres). ${RUNS} runs per case, 30-day ranges spread over the year, 20 hits a page, the service's own query (\`searchMessages\`: tsvector, \`simple\`, GIN), client on the same machine.${note}

| case | p50 ms | p95 ms | hits per page |
|---|---|---|---|
${ftsResults.map(row).join('\n')}
${trigramResults.map(row).join('\n')}

- Target: p95 ≤ ${TARGET_P95_MS} ms for a word with a date range: worst full-text case **${worst.toFixed(1)} ms** (${worst <= TARGET_P95_MS ? 'met' : 'missed'}).
- Sizes: table ${size('search_messages')}, tsvector GIN ${size('search_messages_words')}, (organization, time) btree ${size('search_messages_by_time')}, trigram GIN ${size('bench_search_trigrams')} (built in ${trigramIndexSeconds.toFixed(0)} s).
`;
    writeResultsSection('search', markdown);
    console.log(markdown);
  } finally {
    await db.destroy();
    await database.drop();
  }
}

await main();
