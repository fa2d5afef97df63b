// The durable baseline of the inbound benchmark: the least a bot must do to be as durable as
// skm-bot, hand-written on telegraf's API client and node-postgres (no Prisma, no engine, no
// i18n, no logging). Like ours it runs its own getUpdates loop, handles one chat's updates in
// order and chats in parallel, and confirms a batch (the next offset) only once every update in
// it is stored and answered. Each update is one transaction with the same statements as
// src/survey/service.ts: the claim in "ProcessedUpdate" with the upsert and lock of the chat's
// "Conversation" row, the UPDATE of its jsonb state with the reply kept beside the claim, and the
// "Response" row when the survey completes. Then one sendMessage with inline buttons whose data is
// `<seq>:<value>`, as the simulated citizens expect.
//
// Run as its own process: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, DATABASE_URL (migrated and seeded
// with the demo units by skm-bot: the response needs a unit and a questionnaire to refer to),
// DURABLE_CLOSING_AFTER (taps after /start that complete a survey), DB_POOL_SIZE (default 10, as ours).
// DURABLE_TAP_CALLS=3 answers a tap as ours does (answerCallbackQuery, editMessageText of the tapped
// question, then sendMessage) instead of one sendMessage: it tells the cost of those calls apart.
import crypto from 'node:crypto';
import pg from 'pg';
import { Telegram } from 'telegraf';

const token = process.env.TELEGRAM_BOT_TOKEN ?? '';
const apiRoot = process.env.TELEGRAM_API_ROOT ?? '';
const closingAfter = Number(process.env.DURABLE_CLOSING_AFTER ?? '18');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? '10') });
const telegram = new Telegram(token, { apiRoot, webhookReply: false });
const pseudonymKey = crypto.randomBytes(32).toString('base64url');
const tapCalls = process.env.DURABLE_TAP_CALLS === '3' ? 3 : 1;

interface Unit {
  id: number;
  code: string;
  name: string;
  agencyName: string;
  timeZone: string;
  questionnaireKey: string;
  serviceTypes: { id: number; name: string }[];
}

/** A state of the same shape (and about the same size) as ours. */
interface State {
  v: 1;
  locale: 'id';
  seq: number;
  step: { kind: 'idle' } | { kind: 'question'; index: number };
  consent: null;
  survey: {
    sessionId: string;
    unit: Unit;
    questionnaireId: number;
    startedAt: string;
    serviceTypeId: null;
    profile: Record<string, never>;
    answers: number[];
    maladmin: Record<string, boolean>;
  } | null;
  lastActivityAt: string | null;
}

interface Reply {
  text: string;
  choices?: { label: string; token: string }[][];
}

// Reference data read once: ours caches it too (src/survey/catalog.ts).
const units = new Map<string, Unit>();
let questionnaireId = 0;

async function loadReferenceData(): Promise<void> {
  const rows = await pool.query<{ id: number; code: string; name: string; agencyName: string; timeZone: string; questionnaireKey: string }>(
    `SELECT u.id, u.code, u.name, a.name AS "agencyName", a."timeZone", a."questionnaireKey"
     FROM "ServiceUnit" u JOIN "Agency" a ON a.id = u."agencyId" WHERE u.active`,
  );
  for (const row of rows.rows) units.set(row.code, { ...row, serviceTypes: [] });
  const q = await pool.query<{ id: number }>(`SELECT id FROM "Questionnaire" WHERE key = 'default' ORDER BY version DESC LIMIT 1`);
  if (units.size === 0 || !q.rows[0]) throw new Error('durable-bot: no units or questionnaire: run skm-bot (SEED_DEMO=true) on this database first');
  questionnaireId = q.rows[0].id;
}

const initial = (): State => ({ v: 1, locale: 'id', seq: 0, step: { kind: 'idle' }, consent: null, survey: null, lastActivityAt: null });

function question(state: State): Reply {
  state.seq += 1;
  const seq = state.seq;
  const row = [1, 2, 3, 4].map((value) => ({ label: String(value), token: `${seq}:${value}` }));
  return { text: `Pertanyaan ${state.survey?.answers.length ?? 0}`, choices: [row] };
}

/** The survey's steps reduced to counting taps; returns the reply and the response to store, if any. */
function step(state: State, event: { start?: string; tap?: { seq: number; value: number } }, now: Date): { reply: Reply | null; done: boolean } {
  if (event.start !== undefined) {
    const unit = units.get(event.start.replace(/^u_/, '').toUpperCase()) ?? units.values().next().value!;
    state.survey = {
      sessionId: crypto.randomUUID(),
      unit,
      questionnaireId,
      startedAt: now.toISOString(),
      serviceTypeId: null,
      profile: {},
      answers: [],
      maladmin: {},
    };
    state.step = { kind: 'question', index: 0 };
    state.lastActivityAt = now.toISOString();
    return { reply: question(state), done: false };
  }
  const tap = event.tap;
  // An old button (or no survey): nothing changes, nothing is sent.
  if (!tap || !state.survey || tap.seq !== state.seq) return { reply: null, done: false };
  state.survey.answers.push(tap.value);
  state.lastActivityAt = now.toISOString();
  if (state.survey.answers.length >= closingAfter) {
    state.step = { kind: 'idle' };
    return { reply: { text: 'Terima kasih, jawaban Anda sudah kami terima.' }, done: true };
  }
  state.step = { kind: 'question', index: state.survey.answers.length };
  return { reply: question(state), done: false };
}

const CLAIM_AND_LOCK = `
  WITH processed AS (
    INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt")
    VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING RETURNING 1
  ), conversation AS (
    INSERT INTO "Conversation" (channel, "chatKey", state, "updatedAt")
    VALUES ($1, $4, $5::jsonb, $3)
    ON CONFLICT (channel, "chatKey") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
    RETURNING id, state
  )
  SELECT conversation.id, conversation.state, EXISTS (SELECT 1 FROM processed) AS first,
    (SELECT p.reply FROM "ProcessedUpdate" p WHERE p.channel = $1 AND p."updateId" = $2) AS reply
  FROM conversation`;

const SAVE_STATE_AND_REPLY = `
  WITH saved AS (
    UPDATE "Conversation" SET state = $1::jsonb, "expiresAt" = $2, "updatedAt" = $3 WHERE id = $4
  )
  UPDATE "ProcessedUpdate" SET reply = $5::jsonb WHERE channel = $6 AND "updateId" = $7`;

const INSERT_RESPONSE = `
  INSERT INTO "Response" ("sessionId", "unitId", "serviceTypeId", "questionnaireId", channel, "respondentKey",
    "submittedAt", "startedAt", u1, u2, u3, u4, u5, u6, u7, u8, u9, maladmin, "maladminCount",
    gender, "ageBand", education, occupation, suggestion, locale, flags)
  VALUES ($1, $2, NULL, $3, 'telegram', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, 0,
    NULL, NULL, NULL, NULL, NULL, 'id', '{}'::text[])
  ON CONFLICT ("sessionId") DO NOTHING`;

/** One update, one transaction; the reply is sent after the commit. */
async function handle(update: TgUpdate): Promise<void> {
  const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id;
  if (chatId === undefined) return;
  const chatKey = crypto.createHmac('sha256', pseudonymKey).update(`telegram:${chatId}`).digest('base64url').slice(0, 32);
  const updateId = String(update.update_id);
  const now = new Date();
  const text = update.message?.text;
  const [seq, value] = (update.callback_query?.data ?? '').split(':').map(Number);
  const event = text?.startsWith('/start') ? { start: text.slice(7) } : seq !== undefined && value !== undefined ? { tap: { seq, value } } : {};
  const client = await pool.connect();
  let reply: Reply | null;
  try {
    await client.query('BEGIN');
    const rows = await client.query<{ id: number; state: State; first: boolean; reply: Reply[] | null }>(CLAIM_AND_LOCK, [
      'telegram',
      updateId,
      now,
      chatKey,
      JSON.stringify(initial()),
    ]);
    const row = rows.rows[0]!;
    if (!row.first) {
      await client.query('COMMIT');
      reply = row.reply?.[0] ?? null;
    } else {
      const state = row.state;
      const outcome = step(state, event, now);
      reply = outcome.reply;
      const survey = state.survey;
      if (outcome.done && survey) {
        const u = survey.answers.slice(3, 12).map((a) => Math.min(4, Math.max(1, a)));
        await client.query(INSERT_RESPONSE, [survey.sessionId, survey.unit.id, survey.questionnaireId, chatKey, now, survey.startedAt, ...u, '{}']);
        state.survey = null;
      }
      const expiresAt = state.survey ? new Date(now.getTime() + 30 * 60_000) : null;
      await client.query(SAVE_STATE_AND_REPLY, [
        JSON.stringify(state),
        expiresAt,
        now,
        row.id,
        JSON.stringify(reply ? [reply] : []),
        'telegram',
        updateId,
      ]);
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  const query = update.callback_query;
  if (tapCalls === 3 && query) {
    await telegram.answerCbQuery(query.id);
    if (reply && query.message) await telegram.editMessageText(chatId, query.message.message_id, undefined, `Dijawab: ${value}`);
  }
  if (reply) {
    const markup = reply.choices
      ? { reply_markup: { inline_keyboard: reply.choices.map((row) => row.map((c) => ({ text: c.label, callback_data: c.token }))) } }
      : {};
    await telegram.sendMessage(chatId, reply.text, markup);
  }
}

interface TgUpdate {
  update_id: number;
  message?: { chat: { id: number }; text?: string };
  callback_query?: { id: string; from: { id: number }; data?: string; message?: { message_id: number; chat: { id: number } } };
}

// One chat's updates in order, chats in parallel (as ours).
const chains = new Map<number | string, Promise<void>>();
function enqueue(update: TgUpdate): Promise<boolean> {
  const chat = update.message?.chat.id ?? update.callback_query?.from.id ?? 'none';
  const previous = chains.get(chat) ?? Promise.resolve();
  const current = previous.then(() => handle(update));
  const done = current.then(
    () => {},
    () => {},
  );
  chains.set(chat, done);
  void done.then(() => {
    if (chains.get(chat) === done) chains.delete(chat);
  });
  return current.then(
    () => true,
    (error: unknown) => {
      console.error('durable-bot: update failed', error instanceof Error ? error.message : String(error));
      return false;
    },
  );
}

const abort = new AbortController();
type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegram['callApi']>[2]>['signal']>;

async function poll(): Promise<void> {
  let offset = 0;
  while (!abort.signal.aborted) {
    let updates: TgUpdate[];
    try {
      updates = await telegram.callApi(
        'getUpdates',
        { timeout: 50, offset, allowed_updates: ['message', 'callback_query'] },
        { signal: abort.signal as unknown as TelegrafSignal },
      );
    } catch (error) {
      if (abort.signal.aborted) return;
      throw error;
    }
    const handled = await Promise.all(updates.map(enqueue));
    // Confirmed only once stored and answered: a failed update is asked for again.
    const failed = updates.findIndex((_, i) => !handled[i]);
    const last = updates.at(-1);
    if (failed >= 0) offset = updates[failed]!.update_id;
    else if (last) offset = last.update_id + 1;
  }
}

await loadReferenceData();
await telegram.getMe();
await telegram.deleteWebhook({ drop_pending_updates: false });
const stop = () => abort.abort();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await poll();
await Promise.allSettled([...chains.values()]);
await pool.end();
