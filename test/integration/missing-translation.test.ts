// A stored response can hold a maladministration code the locale files do not know (a questionnaire
// edited since, or an older version's item). The alert job builds `staff.maladminItems.<code>` from
// it: the run must still complete, queue its alerts, and the sender deliver them, with the code as
// the item's text and one warning in the log. Real PostgreSQL, the real strict `translate`, the
// real outbox sender and telegraf against the fake Bot API on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { type JobEnv, runMaladminAlerts } from '../../src/jobs/jobs.js';
import { createLogger } from '../../src/log.js';
import { OutboxSender } from '../../src/outbox/sender.js';
import { TelegramTransport } from '../../src/channels/telegram/transport.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/survey/questionnaire.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi } from '../support/fake-bot-api.js';

let t: TestDatabase;
let api: FakeBotApi;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await FakeBotApi.start();
});

afterAll(async () => {
  await api?.close();
  await t?.drop();
});

describe('a translation key built from stored data that the locale files lack', () => {
  it('the maladministration alert job still completes and its alerts are sent, naming the unknown code', async () => {
    const { db } = t;
    // The strict translate throws on this key: the job must not.
    expect(() => translate('id', 'staff.maladminItems.pungli_lama')).toThrow(/Missing translation/);

    const logLines: string[] = [];
    const log = createLogger('warn', { write: (line: string) => void logLines.push(line) }, 'json');
    const env: JobEnv = { db, t: translate, log, catchUpMs: 0 };

    const questionnaireId = (await db.questionnaire.create({ data: { key: 'default', version: 1, definition: DEFAULT_QUESTIONNAIRE } })).id;
    const agency = await db.agency.create({ data: { code: 'KODE', name: 'Dinas Kode', timeZone: 'Asia/Jakarta' } });
    const unit = await db.serviceUnit.create({ data: { agencyId: agency.id, code: 'KODE-1', name: 'Loket Kode' } });
    const officials = [];
    for (const [i, locale] of ['id', 'en'].entries()) {
      const user = await db.staffUser.create({ data: { channel: 'telegram', externalId: String(7001 + i), locale } });
      await db.staffRole.create({ data: { userId: user.id, role: 'unit_official', unitId: unit.id } });
      officials.push(user);
    }
    let session = 0;
    const report = (maladmin: Record<string, boolean>) =>
      db.response.create({
        data: {
          sessionId: `kode-${++session}`,
          unitId: unit.id,
          questionnaireId,
          channel: 'telegram',
          locale: 'id',
          submittedAt: new Date(Date.now() - 60_000),
          startedAt: new Date(Date.now() - 120_000),
          ...{ u1: 3, u2: 3, u3: 3, u4: 3, u5: 3, u6: 3, u7: 3, u8: 3, u9: 3 },
          maladmin,
          maladminCount: Object.values(maladmin).filter(Boolean).length,
        },
      });
    await report({ imbalan: true, pungli_lama: true });

    const first = await runMaladminAlerts(env, new Date(), 'schedule');
    expect(first).toMatchObject({ status: 'ran', messages: 2 });

    const sender = new OutboxSender({
      db,
      transports: { telegram: new TelegramTransport({ token: api.token, apiRoot: api.apiRoot, requestTimeoutMs: 5_000 }) },
      limits: { telegram: { globalPerSecond: 200, perChatPerSecond: 20, marginMs: 20 } },
      log: createLogger('silent'),
      pollMs: 50,
    });
    await sender.start();
    try {
      await sender.drain(15_000);
    } finally {
      await sender.stop(2_000);
    }
    const [id] = api.messages('7001').map((m) => m.text);
    const [en] = api.messages('7002').map((m) => m.text);
    expect(id).toMatch(/Laporan maladministrasi baru.*KODE-1/s);
    expect(id).toContain('pungli_lama (1)');
    expect(id).toContain(translate('id', 'staff.maladminItems.imbalan'));
    expect(en).toContain('pungli_lama (1)');
    expect(en).toContain(translate('en', 'staff.maladminItems.imbalan'));

    // A second report with the same code: alerted again, but the warning is not repeated.
    await report({ pungli_lama: true });
    expect(await runMaladminAlerts(env, new Date(), 'schedule')).toMatchObject({ status: 'ran', messages: 2 });
    const warnings = logLines.map((line) => JSON.parse(line) as { msg: string; key?: string; locale?: string });
    expect(warnings.map((w) => [w.msg, w.key, w.locale]).sort()).toEqual([
      ['translation key missing: its last part is shown instead', 'staff.maladminItems.pungli_lama', 'en'],
      ['translation key missing: its last part is shown instead', 'staff.maladminItems.pungli_lama', 'id'],
    ]);
  });
});
