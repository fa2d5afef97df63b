// The officials' path end to end, through the real telegraf bot and the fake Bot API: the operator
// creates an invitation with the CLI, the official opens the deep link, the scheduler's Monday run
// queues the summary, and the outbox sender delivers text and chart to the official's chat.
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffCommands } from '../../src/admin/commands/index.js';
import { TelegramChannel } from '../../src/channels/telegram/channel.js';
import { seedDemo } from '../../src/admin/demo-seed.js';
import { translate } from '../../src/i18n/index.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { TelegramTransport } from '../../src/channels/telegram/transport.js';
import { OutboxSender } from '../../src/outbox/index.js';
import { columnsOf, zonedTimeUtc } from '../../src/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { runTs } from '../support/run.js';
import { createTestService } from '../support/service.js';
import { WORKED_EXAMPLE } from '../support/worked-example.js';

const OFFICIAL = 7101;
const MONDAY_0800_WIB = zonedTimeUtc(2026, 11, 23, 8, 0, 'Asia/Jakarta');

let t: TestDatabase;
let fake: FakeBotApi;
let channel: TelegramChannel;
let sender: OutboxSender;
const log = createLogger(process.env.TEST_LOG ?? 'silent');

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const unit = await t.db.serviceUnit.findUniqueOrThrow({ where: { code: 'DUKCAPIL' } });
  const q = await t.db.questionnaire.findFirstOrThrow();
  await t.db.response.createMany({
    data: WORKED_EXAMPLE.map((r, i) => ({
      sessionId: `e2e-${i}`,
      unitId: unit.id,
      questionnaireId: q.id,
      channel: 'telegram',
      submittedAt: zonedTimeUtc(2026, 11, 18, 10, i, 'Asia/Jakarta'),
      startedAt: zonedTimeUtc(2026, 11, 18, 10, i, 'Asia/Jakarta'),
      ...columnsOf(r),
      maladmin: {},
      locale: 'id',
    })),
  });
  fake = await FakeBotApi.start({ maxPollMs: 100, perChatPerSecond: 1, globalPerSecond: 30 });
  const { service } = createTestService(t.db);
  const staff = new StaffCommands({ db: t.db, t: translate, log, botUsername: () => 'skm_test_bot' });
  channel = new TelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    service,
    staff,
    t: translate,
    log,
    defaultLocale: 'id',
  });
  await channel.start();
  sender = new OutboxSender({
    db: t.db,
    transports: { telegram: new TelegramTransport({ token: fake.token, apiRoot: fake.apiRoot }) },
    log,
    pollMs: 200,
  });
  await sender.start();
});

afterAll(async () => {
  await sender?.stop(5000);
  await channel?.stop(5000);
  await fake?.close();
  await t?.drop();
});

describe('an official invited from the CLI gets the Monday summary in the chat', () => {
  it('invite, join by deep link, scheduled run, delivery of text and chart', async () => {
    const cli = await runTs('src/cli/index.ts', ['invite', 'create', '--role', 'unit_official', '--unit', 'dukcapil', '--bot', 'skm_test_bot'], {
      env: { DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
    });
    expect(cli.code).toBe(0);
    const code = /code: ([A-Z0-9]{10})/.exec(cli.stdout)?.[1];
    expect(code).toBeDefined();
    expect(cli.stdout).toContain(`https://t.me/skm_test_bot?start=i_${code}`);
    expect(cli.stdout).toContain(`/daftar ${code}`);

    fake.sendText(OFFICIAL, `/start i_${code}`);
    await fake.waitForMessages(OFFICIAL, 2);
    expect(fake.messages(OFFICIAL)[0]!.text).toContain('Disdukcapil');

    const scheduler = new Scheduler({ db: t.db, t: translate, log, catchUpMs: 0, onQueued: () => sender.wake() });
    await scheduler.sweep(MONDAY_0800_WIB);
    await scheduler.stop();
    await sender.drain(20_000);

    const delivered = fake.messages(OFFICIAL).slice(2);
    const texts = delivered.filter((m) => m.method === 'sendMessage').map((m) => m.text ?? '');
    expect(texts.join('\n')).toContain('DUKCAPIL');
    expect(texts.join('\n')).toContain('82,41');
    expect(texts.join('\n')).toContain('2026-W47');
    const photo = delivered.find((m) => m.method === 'sendPhoto');
    expect(photo).toBeDefined();
    const png = PNG.sync.read(Object.values(photo!.files!)[0]!.bytes);
    expect(png.width).toBeGreaterThan(200);
    // Text first, then the chart: in order, one at a time, in this chat.
    expect(delivered.at(-1)!.method).toBe('sendPhoto');
    const rows = await t.db.outboxMessage.findMany();
    expect(delivered.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(delivered.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });
});
