// Runs one inbound event through the engine inside one database transaction: the update is
// recorded as processed, the chat's state row is locked, the context is resolved, the engine
// decides, its effects and the new state are written, and only then do channels send replies.
// Plain SQL (src/db/sql.ts), not Prisma: this runs on every tap of every citizen.
import { pgJson } from '../text/index.js';
import { ELEMENT_COLUMNS, ELEMENT_COUNT } from '../scoring/index.js';
import crypto from 'node:crypto';
import { type Db, sqlOf } from '../db/client.js';
import type { Sql, SqlRunner, TxRunner } from '../db/sql.js';
import type { Logger } from '../log.js';
import { initialState, inSurvey, step, unitCodeWanted } from './engine.js';
import { type WarmUpParts, warmUpDatabase, warmUpEngine } from './warm-up.js';
import { parseState } from './state.js';
import type { ResponseFlag } from './flags.js';
import type { Catalog } from './catalog.js';
import type { Pseudonymizer } from './pseudonym.js';
import type {
  ChoicesShownAs,
  CompletedResponse,
  ConvState,
  EngineConfig,
  EngineContext,
  EngineOutput,
  InboundEvent,
  Locale,
  OutMessage,
  Translate,
} from './types.js';

export type ChannelName = 'telegram' | 'terminal' | 'whatsapp';

export interface InboundEnvelope {
  channel: ChannelName;
  /** The channel's raw chat id: only hashed, never stored. */
  chatId: string;
  /** Channel update id for exactly-once handling; null where the channel has none. */
  updateId: string | null;
  event: InboundEvent;
  /** The user's interface language, used for a chat's first message. */
  localeHint?: Locale | undefined;
  /** How the channel shows choices (for the hints); buttons when not said. */
  choicesAs?: ChoicesShownAs | undefined;
}

/**
 * `duplicate`: the update was handled before; `reply` holds the messages it was answered with then
 * (a channel sends them again when the update came back unconfirmed, i.e. they may never have
 * arrived), null when unknown.
 */
export type HandleResult = { duplicate: true; reply: OutMessage[] | null } | { duplicate: false; output: EngineOutput; locale: Locale };

export interface SurveyServiceOptions {
  db: Db;
  catalog: Catalog;
  pseudonymizer: Pseudonymizer;
  engine: EngineConfig;
  defaultLocale: Locale;
  t: Translate;
  log: Logger;
  clock?: () => Date;
}

/** Completing all fourteen questions faster than this is flagged (staff filling in for citizens). */
const TOO_FAST_MS = 15_000;
/** So many perfect responses for one unit within ten minutes are flagged as a burst. */
const PERFECT_BURST = 5;

// A statement stuck (on a lock another process holds) fails the update, which is then offered again.
const TX_OPTIONS = { statementMs: 15_000 };

interface ClaimRow {
  id: number;
  state: unknown;
  first: boolean;
  reply: unknown;
}

const LOCK_CHAT = `
  INSERT INTO "Conversation" (channel, "chatKey", state, "updatedAt")
  VALUES ($1, $2, $3::jsonb, $4)
  ON CONFLICT (channel, "chatKey") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
  RETURNING id, state, true AS first, NULL::jsonb AS reply`;

const CLAIM_AND_LOCK_CHAT = `
  WITH processed AS (
    INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt")
    VALUES ($1, $5, $4)
    ON CONFLICT DO NOTHING RETURNING 1
  ), conversation AS (
    INSERT INTO "Conversation" (channel, "chatKey", state, "updatedAt")
    VALUES ($1, $2, $3::jsonb, $4)
    ON CONFLICT (channel, "chatKey") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
    RETURNING id, state
  )
  SELECT conversation.id, conversation.state, EXISTS (SELECT 1 FROM processed) AS first,
    (SELECT p.reply FROM "ProcessedUpdate" p WHERE p.channel = $1 AND p."updateId" = $5) AS reply
  FROM conversation`;

/** The stored reply of an update, if it reads as a list of messages. */
function parseReply(value: unknown): OutMessage[] | null {
  if (!Array.isArray(value)) return null;
  const messages = value.filter((m): m is OutMessage => typeof m === 'object' && m !== null && typeof (m as { text?: unknown }).text === 'string');
  return messages.length === value.length ? messages : null;
}

/** Whether this event may show the privacy notice (so the context needs its data controller). */
function noticeMayShow(state: ConvState, event: InboundEvent, unitNamed: boolean): boolean {
  if (unitNamed || state.step.kind === 'consent') return true;
  return event.kind === 'command' && (event.command === 'privasi' || event.command === 'privacy');
}

/** The element answers, in ELEMENT_COLUMNS order (the engine completes a response only with all of them). */
function elementAnswers(answers: readonly number[]): number[] {
  if (answers.length !== ELEMENT_COUNT) throw new Error(`a response needs ${ELEMENT_COUNT} answers, got ${answers.length}`);
  return [...answers];
}

/** A response answered 4 everywhere (a burst of them is flagged). */
const ALL_BEST = ELEMENT_COLUMNS.map((c) => `${c} = 4`).join(' AND ');

/** The columns of a stored response, in the order of the INSERT's parameters. */
const RESPONSE_COLUMNS = [
  '"sessionId"',
  '"unitId"',
  '"serviceTypeId"',
  '"questionnaireId"',
  'channel',
  '"respondentKey"',
  '"submittedAt"',
  '"startedAt"',
  ...ELEMENT_COLUMNS,
  'maladmin',
  '"maladminCount"',
  'gender',
  '"ageBand"',
  'education',
  'occupation',
  'suggestion',
  'locale',
  'flags',
];
const CASTS: Record<string, string> = { maladmin: '::jsonb', flags: '::text[]' };
const INSERT_RESPONSE = `INSERT INTO "Response" (${RESPONSE_COLUMNS.join(', ')})
  VALUES (${RESPONSE_COLUMNS.map((c, i) => `$${i + 1}${CASTS[c] ?? ''}`).join(', ')})
  ON CONFLICT ("sessionId") DO NOTHING`;

export class SurveyService {
  private readonly clock: () => Date;
  private readonly sql: Sql;

  constructor(private readonly options: SurveyServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.sql = sqlOf(options.db);
  }

  async handle(envelope: InboundEnvelope): Promise<HandleResult> {
    const { pseudonymizer } = this.options;
    const chatKey = pseudonymizer.chatKey(envelope.channel, envelope.chatId);
    // Resolve cached reference data outside the transaction: it never depends on the row lock.
    const unitChoices = await this.options.catalog.unitChoices(this.options.engine.unitListMax);
    return await this.sql.transaction((tx) => this.turn(tx, envelope, chatKey, unitChoices), TX_OPTIONS);
  }

  /** One update inside its transaction: claim, lock, decide, write (the replies go out after the COMMIT). */
  private async turn(tx: TxRunner, envelope: InboundEnvelope, chatKey: string, unitChoices: { code: string; name: string }[]): Promise<HandleResult> {
    const now = this.clock();
    const fresh = initialState(envelope.localeHint ?? this.options.defaultLocale);
    // One round trip: record the update as processed (unless it was already: a re-delivery) and
    // upsert and lock the chat's row; concurrent updates of one chat queue on that lock.
    const values = [envelope.channel, chatKey, pgJson(fresh), now];
    const rows =
      envelope.updateId === null
        ? await tx.query<ClaimRow>(LOCK_CHAT, values)
        : await tx.query<ClaimRow>(CLAIM_AND_LOCK_CHAT, [...values, envelope.updateId]);
    if (!rows[0]?.first) return { duplicate: true, reply: parseReply(rows[0]?.reply) } as const;
    const row = rows[0];
    const state = parseState(row.state) ?? fresh;
    const ctx = await this.context(tx, state, envelope.event, chatKey, unitChoices, now, envelope.choicesAs ?? 'buttons');
    const output = step(state, envelope.event, ctx);
    let erased = false;
    for (const effect of output.effects) {
      switch (effect.kind) {
        case 'saveResponse':
          await this.saveResponse(tx, effect.response, envelope.channel, chatKey, now);
          break;
        case 'recordConsent':
          tx.send(
            `INSERT INTO "Consent" (channel, "chatKey", "textVersion", "agencyId", locale, "givenAt")
               VALUES ($1, $2, $3, (SELECT id FROM "Agency" WHERE code = $4), $5, $6)`,
            [envelope.channel, chatKey, effect.textVersion, effect.agencyCode, effect.locale, now],
          );
          break;
        case 'eraseData':
          this.erase(tx, envelope.channel, chatKey, now);
          erased = true;
          break;
      }
    }
    if (erased) {
      tx.send(`DELETE FROM "Conversation" WHERE id = $1`, [row.id]);
    } else {
      this.saveState(tx, row.id, output.state, now, envelope, output.messages);
    }
    return { duplicate: false, output, locale: output.state.locale } as const;
  }

  /**
   * Before the first update: opens the pool's connections and runs `surveys` synthetic surveys
   * through the engine in memory, rendered by the channel (warm-up.ts, warmUpEngine).
   */
  warmUp(options: Parameters<typeof warmUpEngine>[1]): ReturnType<typeof warmUpEngine> {
    return warmUpEngine(this.warmUpParts(), options);
  }

  /**
   * Before the first update of a chat channel: synthetic citizens tap through real units on every
   * pool connection, each in a transaction rolled back (warm-up.ts, warmUpDatabase).
   */
  warmUpDatabase(options: Parameters<typeof warmUpDatabase>[1]): ReturnType<typeof warmUpDatabase> {
    return warmUpDatabase(this.warmUpParts(), options);
  }

  private warmUpParts(): WarmUpParts {
    const { catalog, pseudonymizer, engine, defaultLocale, t } = this.options;
    return {
      sql: this.sql,
      catalog,
      pseudonymizer,
      engine,
      defaultLocale,
      t,
      clock: this.clock,
      transaction: (work) => this.sql.transaction(work, TX_OPTIONS),
      turn: (tx, envelope, chatKey, unitChoices) => this.turn(tx, envelope, chatKey, unitChoices),
    };
  }

  private async context(
    tx: SqlRunner,
    state: ConvState,
    event: InboundEvent,
    chatKey: string,
    unitChoices: { code: string; name: string }[],
    now: Date,
    choicesAs: ChoicesShownAs,
  ): Promise<EngineContext> {
    const { catalog } = this.options;
    const wanted = unitCodeWanted(state, event, unitChoices);
    // Cache misses read through `tx`: see Reader in catalog.ts.
    const eventUnit = wanted ? await catalog.unitByCode(wanted, tx) : null;
    const currentQuestionnaire = await catalog.currentQuestionnaire(eventUnit?.questionnaireKey ?? 'default', tx);
    const draftQuestionnaire = state.survey ? await catalog.questionnaire(state.survey.questionnaireId, tx) : null;
    const controller = noticeMayShow(state, event, eventUnit !== null)
      ? await catalog.controller(eventUnit?.agencyCode || state.survey?.unit.agencyCode || state.consent?.agency || null, tx)
      : null;
    // The one-response rule needs the last response only when a survey may start or finish.
    const unitId = eventUnit?.id ?? (state.survey && state.step.kind === 'suggestion' ? state.survey.unit.id : null);
    let lastResponseAt: Date | null = null;
    if (unitId !== null && this.options.engine.responseWindow.kind !== 'none') {
      const last = await tx.query<{ at: Date | null }>(
        `SELECT max("submittedAt") AS at FROM "Response" WHERE "respondentKey" = $1 AND "unitId" = $2`,
        [chatKey, unitId],
      );
      lastResponseAt = last[0]?.at ?? null;
    }
    return {
      now,
      choicesAs,
      config: this.options.engine,
      t: this.options.t,
      currentQuestionnaire,
      draftQuestionnaire,
      eventUnit,
      controller,
      unitChoices,
      lastResponseAt,
      newSessionId: () => crypto.randomUUID(),
    };
  }

  /** Saves the new state and the reply with the update's claim; sent with the COMMIT (see sql.ts). */
  private saveState(tx: TxRunner, id: number, state: ConvState, now: Date, envelope: InboundEnvelope, messages: OutMessage[]): void {
    const expiresAt = state.survey && inSurvey(state.step) ? new Date(now.getTime() + this.options.engine.expiryMinutes * 60_000) : null;
    const values = [pgJson(state), expiresAt, now, id];
    if (envelope.updateId === null) {
      tx.send(`UPDATE "Conversation" SET state = $1::jsonb, "expiresAt" = $2, "updatedAt" = $3 WHERE id = $4`, values);
      return;
    }
    tx.send(
      `WITH saved AS (
         UPDATE "Conversation" SET state = $1::jsonb, "expiresAt" = $2, "updatedAt" = $3 WHERE id = $4
       )
       UPDATE "ProcessedUpdate" SET reply = $5::jsonb WHERE channel = $6 AND "updateId" = $7`,
      [...values, pgJson(messages), envelope.channel, envelope.updateId],
    );
  }

  private async saveResponse(tx: TxRunner, r: CompletedResponse, channel: string, chatKey: string, now: Date): Promise<void> {
    const flags: ResponseFlag[] = [];
    if (now.getTime() - r.startedAt.getTime() < TOO_FAST_MS) flags.push('too_fast');
    if (r.answers.every((a) => a === 4)) {
      const recent = await tx.query<{ n: string }>(
        `SELECT count(*) AS n FROM "Response"
         WHERE "unitId" = $1 AND "submittedAt" > $2
           AND ${ALL_BEST}`,
        [r.unitId, new Date(now.getTime() - 10 * 60_000)],
      );
      if (Number(recent[0]?.n ?? 0) + 1 >= PERFECT_BURST) flags.push('perfect_burst');
    }
    const maladminCount = Object.values(r.maladmin).filter(Boolean).length;
    const inserted = await tx.execute(INSERT_RESPONSE, [
      r.sessionId,
      r.unitId,
      r.serviceTypeId,
      r.questionnaireId,
      channel,
      chatKey,
      now,
      r.startedAt,
      ...elementAnswers(r.answers),
      pgJson(r.maladmin),
      maladminCount,
      r.profile.gender ?? null,
      r.profile.ageBand ?? null,
      r.profile.education ?? null,
      r.profile.occupation ?? null,
      r.suggestion,
      r.locale,
      flags,
    ]);
    if (inserted === 1) {
      this.options.log.info({ unitId: r.unitId, channel, flags, maladmin: maladminCount > 0 }, 'response stored');
    }
  }

  /** `/hapusdata`: withdraw consent and unlink everything personal from this chat's responses. */
  private erase(tx: TxRunner, channel: string, chatKey: string, now: Date): void {
    tx.send(`UPDATE "Consent" SET "withdrawnAt" = $1 WHERE channel = $2 AND "chatKey" = $3 AND "withdrawnAt" IS NULL`, [now, channel, chatKey]);
    tx.send(
      `UPDATE "Response" SET "respondentKey" = NULL, suggestion = NULL, gender = NULL, "ageBand" = NULL,
         education = NULL, occupation = NULL
       WHERE channel = $1 AND "respondentKey" = $2`,
      [channel, chatKey],
    );
    this.options.log.info({ channel }, 'citizen data erased on request');
  }
}
