// Runs one inbound event through the engine inside one database transaction: the update is
// recorded as processed, the chat's state row is locked, the context is resolved, the engine
// decides, its effects and the new state are written, and only then do channels send replies.
import { pgJson } from '../text/index.js';
import crypto from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import type { Logger } from '../log.js';
import { initialState, inSurvey, step, unitCodeWanted } from './engine.js';
import { parseState } from './state.js';
import type { Catalog } from './catalog.js';
import type { Pseudonymizer } from './pseudonym.js';
import type {
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

// Under load an update may wait for a pooled connection; it must not fail for that alone.
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

/** The stored reply of an update, if it reads as a list of messages. */
function parseReply(value: unknown): OutMessage[] | null {
  if (!Array.isArray(value)) return null;
  const messages = value.filter((m): m is OutMessage => typeof m === 'object' && m !== null && typeof (m as { text?: unknown }).text === 'string');
  return messages.length === value.length ? messages : null;
}

export class SurveyService {
  private readonly clock: () => Date;

  constructor(private readonly options: SurveyServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async handle(envelope: InboundEnvelope): Promise<HandleResult> {
    const { db, pseudonymizer } = this.options;
    const chatKey = pseudonymizer.chatKey(envelope.channel, envelope.chatId);
    // Resolve cached reference data outside the transaction: it never depends on the row lock.
    const unitChoices = await this.options.catalog.unitChoices(this.options.engine.unitListMax);
    return await db.$transaction(async (tx) => {
      const now = this.clock();
      const fresh = initialState(envelope.localeHint ?? this.options.defaultLocale);
      // One round trip: record the update as processed (unless it was already: a re-delivery) and
      // upsert and lock the chat's row; concurrent updates of one chat queue on that lock.
      const freshState = pgJson(fresh);
      const rows =
        envelope.updateId === null
          ? await tx.$queryRaw<{ id: number; state: unknown; first: boolean; reply: unknown }[]>`
              INSERT INTO "Conversation" (channel, "chatKey", state, "updatedAt")
              VALUES (${envelope.channel}, ${chatKey}, ${freshState}::jsonb, ${now})
              ON CONFLICT (channel, "chatKey") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
              RETURNING id, state, true AS first, NULL::jsonb AS reply`
          : await tx.$queryRaw<{ id: number; state: unknown; first: boolean; reply: unknown }[]>`
              WITH processed AS (
                INSERT INTO "ProcessedUpdate" (channel, "updateId", "processedAt")
                VALUES (${envelope.channel}, ${envelope.updateId}, ${now})
                ON CONFLICT DO NOTHING RETURNING 1
              ), conversation AS (
                INSERT INTO "Conversation" (channel, "chatKey", state, "updatedAt")
                VALUES (${envelope.channel}, ${chatKey}, ${freshState}::jsonb, ${now})
                ON CONFLICT (channel, "chatKey") DO UPDATE SET "updatedAt" = "Conversation"."updatedAt"
                RETURNING id, state
              )
              SELECT conversation.id, conversation.state, EXISTS (SELECT 1 FROM processed) AS first,
                (SELECT p.reply FROM "ProcessedUpdate" p WHERE p.channel = ${envelope.channel} AND p."updateId" = ${envelope.updateId}) AS reply
              FROM conversation`;
      if (!rows[0]?.first) return { duplicate: true, reply: parseReply(rows[0]?.reply) } as const;
      const row = rows[0];
      const state = parseState(row.state) ?? fresh;
      const ctx = await this.context(tx, state, envelope.event, chatKey, unitChoices, now);
      const output = step(state, envelope.event, ctx);
      let erased = false;
      for (const effect of output.effects) {
        switch (effect.kind) {
          case 'saveResponse':
            await this.saveResponse(tx, effect.response, envelope.channel, chatKey, now);
            break;
          case 'recordConsent':
            await tx.consent.create({
              data: { channel: envelope.channel, chatKey, textVersion: effect.textVersion, locale: effect.locale, givenAt: now },
            });
            break;
          case 'eraseData':
            await this.erase(tx, envelope.channel, chatKey, now);
            erased = true;
            break;
        }
      }
      if (erased) {
        await tx.$executeRaw`DELETE FROM "Conversation" WHERE id = ${row.id}`;
      } else {
        await this.saveState(tx, row.id, output.state, now, envelope, output.messages);
      }
      return { duplicate: false, output, locale: output.state.locale } as const;
    }, TX_OPTIONS);
  }

  private async context(
    tx: Tx,
    state: ConvState,
    event: InboundEvent,
    chatKey: string,
    unitChoices: { code: string; name: string }[],
    now: Date,
  ): Promise<EngineContext> {
    const { catalog } = this.options;
    const wanted = unitCodeWanted(state, event, unitChoices);
    // Cache misses read through `tx`: see Reader in catalog.ts.
    const eventUnit = wanted ? await catalog.unitByCode(wanted, tx) : null;
    const currentQuestionnaire = await catalog.currentQuestionnaire(eventUnit?.questionnaireKey ?? 'default', tx);
    const draftQuestionnaire = state.survey ? await catalog.questionnaire(state.survey.questionnaireId, tx) : null;
    // The one-response rule needs the last response only when a survey may start or finish.
    const unitId = eventUnit?.id ?? (state.survey && state.step.kind === 'suggestion' ? state.survey.unit.id : null);
    let lastResponseAt: Date | null = null;
    if (unitId !== null && this.options.engine.responseWindow.kind !== 'none') {
      const last = await tx.$queryRaw<{ at: Date | null }[]>`
        SELECT max("submittedAt") AS at FROM "Response" WHERE "respondentKey" = ${chatKey} AND "unitId" = ${unitId}`;
      lastResponseAt = last[0]?.at ?? null;
    }
    return {
      now,
      config: this.options.engine,
      t: this.options.t,
      currentQuestionnaire,
      draftQuestionnaire,
      eventUnit,
      unitChoices,
      lastResponseAt,
      newSessionId: () => crypto.randomUUID(),
    };
  }

  /** Saves the new state and, in the same round trip, the reply with the update's claim. */
  private async saveState(tx: Tx, id: number, state: ConvState, now: Date, envelope: InboundEnvelope, messages: OutMessage[]): Promise<void> {
    const expiresAt = state.survey && inSurvey(state.step) ? new Date(now.getTime() + this.options.engine.expiryMinutes * 60_000) : null;
    if (envelope.updateId === null) {
      await tx.$executeRaw`
        UPDATE "Conversation" SET state = ${pgJson(state)}::jsonb, "expiresAt" = ${expiresAt}, "updatedAt" = ${now}
        WHERE id = ${id}`;
      return;
    }
    await tx.$executeRaw`
      WITH saved AS (
        UPDATE "Conversation" SET state = ${pgJson(state)}::jsonb, "expiresAt" = ${expiresAt}, "updatedAt" = ${now}
        WHERE id = ${id}
      )
      UPDATE "ProcessedUpdate" SET reply = ${pgJson(messages)}::jsonb
      WHERE channel = ${envelope.channel} AND "updateId" = ${envelope.updateId}`;
  }

  private async saveResponse(tx: Tx, r: CompletedResponse, channel: string, chatKey: string, now: Date): Promise<void> {
    const [u1, u2, u3, u4, u5, u6, u7, u8, u9] = r.answers as [number, number, number, number, number, number, number, number, number];
    const flags: string[] = [];
    if (now.getTime() - r.startedAt.getTime() < TOO_FAST_MS) flags.push('too_fast');
    if (r.answers.every((a) => a === 4)) {
      const recent = await tx.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM "Response"
        WHERE "unitId" = ${r.unitId} AND "submittedAt" > ${new Date(now.getTime() - 10 * 60_000)}
          AND u1 = 4 AND u2 = 4 AND u3 = 4 AND u4 = 4 AND u5 = 4 AND u6 = 4 AND u7 = 4 AND u8 = 4 AND u9 = 4`;
      if (Number(recent[0]?.n ?? 0) + 1 >= PERFECT_BURST) flags.push('perfect_burst');
    }
    const maladminCount = Object.values(r.maladmin).filter(Boolean).length;
    const inserted = await tx.$executeRaw`
      INSERT INTO "Response" ("sessionId", "unitId", "serviceTypeId", "questionnaireId", channel, "respondentKey",
        "submittedAt", "startedAt", u1, u2, u3, u4, u5, u6, u7, u8, u9, maladmin, "maladminCount",
        gender, "ageBand", education, occupation, suggestion, locale, flags)
      VALUES (${r.sessionId}, ${r.unitId}, ${r.serviceTypeId}, ${r.questionnaireId}, ${channel}, ${chatKey},
        ${now}, ${r.startedAt}, ${u1}, ${u2}, ${u3}, ${u4}, ${u5}, ${u6}, ${u7}, ${u8}, ${u9},
        ${pgJson(r.maladmin)}::jsonb, ${maladminCount},
        ${r.profile.gender ?? null}, ${r.profile.ageBand ?? null}, ${r.profile.education ?? null},
        ${r.profile.occupation ?? null}, ${r.suggestion}, ${r.locale}, ${flags}::text[])
      ON CONFLICT ("sessionId") DO NOTHING`;
    if (inserted === 1) {
      this.options.log.info({ unitId: r.unitId, channel, flags, maladmin: maladminCount > 0 }, 'response stored');
    }
  }

  /** `/hapusdata`: withdraw consent and unlink everything personal from this chat's responses. */
  private async erase(tx: Tx, channel: string, chatKey: string, now: Date): Promise<void> {
    await tx.$executeRaw`
      UPDATE "Consent" SET "withdrawnAt" = ${now} WHERE channel = ${channel} AND "chatKey" = ${chatKey} AND "withdrawnAt" IS NULL`;
    await tx.$executeRaw`
      UPDATE "Response" SET "respondentKey" = NULL, suggestion = NULL, gender = NULL, "ageBand" = NULL,
        education = NULL, occupation = NULL
      WHERE channel = ${channel} AND "respondentKey" = ${chatKey}`;
    this.options.log.info({ channel }, 'citizen data erased on request');
  }
}
