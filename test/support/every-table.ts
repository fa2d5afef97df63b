// Puts rows in every table of the schema, with awkward values (line breaks, tabs, backslashes,
// quotes, emoji, NULLs, JSON, arrays, every byte value, big ids), and reads tables back for
// comparison. Used by the backup and restore tests; `tableNames` comes from the database itself,
// so a table added later and not filled here makes those tests fail.
import pg from 'pg';
import type { Db } from '../../src/db/client.js';
import { seedDemo } from '../../src/admin/demo-seed.js';

const AWKWARD = 'baris 1\nbaris 2\ttab \\ backslash \\. "kutip" \'apostrof\' ✓ 🟢 \r\n\\N';

export async function fillEveryTable(db: Db): Promise<void> {
  await seedDemo(db);
  // `select` only what is needed: the backup tests also fill a database migrated to an older
  // version, whose tables lack columns added since (the client would read them back otherwise).
  const agency = await db.agency.findFirstOrThrow({ select: { id: true } });
  await db.agency.update({
    select: { id: true },
    where: { id: agency.id },
    data: { zoneHijauMin: '80.55', zoneKuningMin: '60.00', reminders: ['zone', 'a,b "c"', 'd\\e'] },
  });
  const units = await db.serviceUnit.findMany({ orderBy: { id: 'asc' }, include: { serviceTypes: true } });
  const questionnaire = await db.questionnaire.findFirstOrThrow();
  const responses = [];
  for (let i = 0; i < 60; i += 1) {
    const unit = units[i % units.length]!;
    const at = new Date(Date.UTC(2026, 10, 1, 16 + (i % 12), i)); // spans local midnight in Asia/Jakarta
    const v = 1 + (i % 4);
    responses.push({
      sessionId: `backup-${i}`,
      unitId: unit.id,
      serviceTypeId: i % 5 === 0 ? null : (unit.serviceTypes[0]?.id ?? null),
      questionnaireId: questionnaire.id,
      channel: i % 2 ? 'telegram' : 'whatsapp',
      respondentKey: i % 7 === 0 ? null : `rk-${i}`,
      submittedAt: new Date(at.getTime() + 1234),
      startedAt: at,
      u1: v,
      u2: v,
      u3: v,
      u4: v,
      u5: v,
      u6: v,
      u7: v,
      u8: v,
      u9: 5 - v,
      maladmin: i % 9 === 0 ? { pungli: true, calo: false } : {},
      maladminCount: i % 9 === 0 ? 1 : 0,
      gender: i % 3 === 0 ? null : 'p',
      suggestion: i % 4 === 0 ? AWKWARD : null,
      locale: 'id',
      flags: i % 11 === 0 ? ['burst', 'odd "flag"'] : [],
    });
  }
  await db.response.createMany({ data: responses });
  await db.conversation.create({
    data: {
      channel: 'telegram',
      chatKey: 'ck-1',
      state: { step: 'u3', answers: { u1: 4 }, note: AWKWARD },
      expiresAt: new Date('2026-11-30T01:02:03.456Z'),
    },
  });
  await db.consent.create({
    select: { id: true },
    data: { channel: 'telegram', chatKey: 'ck-1', textVersion: '2026-11', locale: 'id', withdrawnAt: new Date('2026-11-29T00:00:00Z') },
  });
  await db.processedUpdate.createMany({ data: { channel: 'telegram', updateId: '123456789' } });
  await db.appSetting.create({ data: { key: 'backup-test', value: AWKWARD } });
  const official = await db.staffUser.create({ data: { channel: 'telegram', externalId: '5550001', displayName: 'Bu Ani ✓' } });
  const admin = await db.staffUser.create({ data: { channel: 'whatsapp', externalId: 'wa-key-1', blockedAt: new Date('2026-11-20T00:00:00Z') } });
  await db.staffRole.create({ data: { userId: official.id, role: 'unit_official', unitId: units[0]!.id, grantedBy: admin.id, paused: true } });
  await db.staffRole.create({ data: { userId: admin.id, role: 'agency_admin', agencyId: agency.id } });
  await db.invitation.create({
    data: {
      codeHash: 'h-1',
      role: 'unit_official',
      unitId: units[1]!.id,
      createdById: admin.id,
      expiresAt: new Date('2026-12-01T00:00:00Z'),
      usedAt: new Date('2026-11-25T00:00:00Z'),
      usedById: official.id,
    },
  });
  await db.auditLog.create({ data: { actor: 'cli', action: 'backup.test', target: null, details: { note: AWKWARD, n: 1 } } });
  const run = await db.jobRun.create({
    data: {
      key: 'weekly-summary:MPP-DEMO:2026-W47',
      name: 'weekly-summary',
      agencyId: agency.id,
      period: '2026-W47',
      dueAt: new Date('2026-11-23T01:00:00Z'),
      trigger: 'schedule',
      instance: 'test',
      messages: 2,
      details: { units: 5 },
    },
  });
  const file = await db.outboxFile.create({
    data: { sha256: 'f'.repeat(64), filename: 'chart.png', contentType: 'image/png', content: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
  });
  await db.outboxMessage.create({
    data: {
      channel: 'telegram',
      chatId: '5550001',
      staffUserId: official.id,
      jobRunId: run.id,
      kind: 'photo',
      text: AWKWARD,
      fileId: file.id,
      status: 'sent',
      sentAt: new Date(),
    },
  });
  await db.outboxMessage.create({
    data: {
      id: 9_007_199_254_740_993n,
      channel: 'whatsapp',
      chatId: 'wa-key-1',
      kind: 'text',
      text: 'gagal',
      status: 'failed',
      attempts: 8,
      lastError: 'HTTP 500',
    },
  });
  await db.lease.create({ data: { name: 'outbox', holder: 'host:1', expiresAt: new Date('2026-11-30T00:00:00Z') } });
  await db.followUp.create({
    data: { unitId: units[2]!.id, period: '2026-11', plan: AWKWARD, dueAt: new Date('2026-12-30T00:00:00Z'), createdById: official.id },
  });
  await db.whatsAppAuth.create({ data: { type: 'creds', id: '', value: { noiseKey: { private: { type: 'Buffer', data: 'AAEC/w==' } } } } });
  await db.whatsAppAlias.create({ data: { aliasKey: 'alias-1', canonicalKey: 'canon-1' } });
  // A database migrated only up to an older version (the backup-of-an-older-version test) has no such table yet.
  const [sent] = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('"WhatsAppSentMessage"') IS NOT NULL AS present`;
  if (sent?.present) {
    await db.whatsAppSentMessage.create({
      data: { id: 'BOT000001', message: { imageMessage: { caption: AWKWARD, mediaKey: 'AAEC/w==', fileLength: '1024' } } },
    });
  }
}

/** Every table of the schema (apart from the migration record), from the database itself. */
export async function tableNames(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_skm_migrations' ORDER BY 1`,
    );
    return result.rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/** Each table's rows as JSON text, sorted: equal when the tables hold the same rows. */
export async function snapshot(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: Record<string, string[]> = {};
    for (const name of await tableNames(url)) {
      const rows = await client.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM "${name}" t`);
      result[name] = rows.rows.map((row) => row.r).sort();
    }
    return result;
  } finally {
    await client.end();
  }
}

/** The day stats as stored, and as computed from the responses: equal when the triggers kept them right. */
export async function dayStats(url: string): Promise<{ stored: string[]; computed: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const stored = await client.query<{ r: string }>(
      `SELECT concat_ws(',', "unitId", day, n, s1, s2, s3, s4, s5, s6, s7, s8, s9, maladmin, flagged) AS r FROM "ResponseDayStat" ORDER BY 1`,
    );
    const computed = await client.query<{ r: string }>(
      `SELECT concat_ws(',', r."unitId", ((r."submittedAt" AT TIME ZONE 'UTC') AT TIME ZONE a."timeZone")::date, count(*),
                        sum(u1), sum(u2), sum(u3), sum(u4), sum(u5), sum(u6), sum(u7), sum(u8), sum(u9),
                        count(*) FILTER (WHERE "maladminCount" > 0), count(*) FILTER (WHERE cardinality(flags) > 0)) AS r
       FROM "Response" r JOIN "ServiceUnit" u ON u.id = r."unitId" JOIN "Agency" a ON a.id = u."agencyId"
       GROUP BY r."unitId", ((r."submittedAt" AT TIME ZONE 'UTC') AT TIME ZONE a."timeZone")::date ORDER BY 1`,
    );
    return { stored: stored.rows.map((x) => x.r), computed: computed.rows.map((x) => x.r) };
  } finally {
    await client.end();
  }
}
