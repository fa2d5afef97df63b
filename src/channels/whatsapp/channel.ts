// The WhatsApp channel: citizens' messages arrive on the socket the connection holds
// (connection.ts: lease, session, reconnects, the officials' outbox), each is turned into an
// event, run through the same survey service as Telegram, and the replies are sent back as
// numbered lists. Officials and admins linked on WhatsApp get the staff commands.
//
// Messages: each is resolved to the person behind it (identity.ts: a phone-number JID and a LID
// of one person are one canonical key), then handed to the inbound pipeline (../pipeline.ts: one
// person's messages in order, exactly once, staff or survey, apology) with an outlet that answers
// in numbered text. Erasure also forgets the person's aliases (an effect handler).
// The bot only ever answers: it never writes first to a citizen.
import { performance } from 'node:perf_hooks';
import type { AnyMessageContent, WAMessage } from '@whiskeysockets/baileys';
import type { StaffCommands, StaffReply } from '../../admin/commands/index.js';
import { defaultSleep } from '../../outbox/sender.js';
import type { Pseudonymizer } from '../../survey/pseudonym.js';
import type { SurveyService } from '../../survey/service.js';
import type { EngineOutput, Locale, OutMessage, Translate } from '../../survey/types.js';
import { InboundPipeline, type Failure, type Outlet, type StaffRequestOf } from '../pipeline.js';
import { WhatsAppConnection, type WhatsAppConnectionOptions } from './connection.js';
import { fromMessage, renderMessage, type WhatsAppInbound } from './convert.js';
import { IdentityResolver, normaliseJid, StaffDirectory, type WhatsAppIdentity } from './identity.js';
import { scrubbed } from './socket.js';

export { type WhatsAppOutboxOptions, whatsAppLimits } from './outbox.js';
export {
  backoffDelay,
  baileysSocketFactory,
  type BaileysLogger,
  disconnectCode,
  scrubbed,
  type SocketFactory,
  WHATSAPP_LEASE,
  type WaEvents,
  type WaSocket,
} from './socket.js';

export interface WhatsAppChannelOptions extends WhatsAppConnectionOptions {
  service: SurveyService;
  /** Officials' and admins' commands; without it every command goes to the citizen conversation. */
  staff?: StaffCommands | undefined;
  t: Translate;
  defaultLocale: Locale;
  /** The app's pseudonymizer: JIDs are kept only as its keyed hashes. */
  pseudonymizer: Pseudonymizer;
  /** Called with the milliseconds from a message's arrival to its last reply sent (benchmarks, tests). */
  onUpdateHandled?: (ms: number) => void;
  /** Messages of one person waiting before more are dropped (default 4). */
  chatQueueMax?: number | undefined;
}

/** More messages in hand than this is logged once (Baileys cannot be told to slow down). */
const MAX_IN_FLIGHT = 2_000;

export class WhatsAppChannel {
  readonly instanceId: string;
  private readonly connection: WhatsAppConnection;
  private readonly identities: IdentityResolver;
  private readonly directory: StaffDirectory;
  private stopped: Promise<void> | undefined;
  private overloaded = false;
  private readonly resolving = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pipeline: InboundPipeline;

  constructor(private readonly options: WhatsAppChannelOptions) {
    this.connection = new WhatsAppConnection(options, (message) => this.accept(message));
    this.instanceId = this.connection.instanceId;
    this.identities = new IdentityResolver(options.db, options.pseudonymizer);
    this.directory = new StaffDirectory(options.db, this.identities, options.clock ?? Date.now);
    this.pipeline = new InboundPipeline({
      channel: 'whatsapp',
      // No buttons: choices are a numbered list (convert.ts), answered by typing.
      choicesAs: 'list',
      service: options.service,
      staff: options.staff,
      t: options.t,
      log: options.log,
      defaultLocale: options.defaultLocale,
      chatQueueMax: options.chatQueueMax,
      classify: (error): Failure => (error instanceof NotConnectedError ? 'unreachable' : 'fault'),
      // Erasure also unlinks the person's identities (keyed hashes, but still about them).
      effects: { eraseData: (message) => this.identities.forget(message.chatId) },
    });
  }

  /** Whether this instance holds the lease (and so may open the socket). */
  get isLeaseHolder(): boolean {
    return this.connection.isLeaseHolder;
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.connection.connected;
  }

  /** Looks for WhatsApp outbox rows now (jobs call it after committing new messages). */
  wakeOutbox(): void {
    this.connection.wakeOutbox();
  }

  /** The open socket, if any (the outbox transport sends through it). */
  currentSocket(): ReturnType<WhatsAppConnection['currentSocket']> {
    return this.connection.currentSocket();
  }

  /** Whether the connection gave up because another holder kept replacing the session. */
  get gaveUp(): boolean {
    return this.connection.gaveUp;
  }

  /** Starts the connection loop; resolves after the first attempt to take the lease. */
  async start(): Promise<void> {
    await this.connection.start();
  }

  /** Resolves when the channel has stopped (after stop()). */
  async done(): Promise<void> {
    await this.connection.done();
  }

  /** Resolves once every message received so far has been handled and answered. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops: waits for the messages in hand to be answered (at most timeoutMs), closes the socket,
   * stops the outbox sender and gives the lease up.
   */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopped ??= this.shutDown(timeoutMs);
    return this.stopped;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    await this.connection.stop(async () => {
      const timer = new AbortController();
      const outcome = await Promise.race([
        this.idle().then(() => 'idle' as const),
        defaultSleep(timeoutMs, timer.signal).then(() => 'timeout' as const),
      ]);
      timer.abort();
      if (outcome === 'timeout') this.options.log.warn({ pending: this.inFlight.size }, 'WhatsApp: stopped with messages still in hand');
    });
    this.options.log.info({ instance: this.instanceId }, 'WhatsApp channel stopped');
  }

  // ---- messages ------------------------------------------------------------------------------

  /**
   * Takes one received message: ignored ones return at once; the others are queued behind the
   * same person's earlier messages. Registered synchronously, so idle() covers it at once.
   */
  private accept(message: WAMessage): void {
    const inbound = fromMessage(message);
    if (!inbound) return;
    const arrived = performance.now();
    // First in order per JID (resolving the identity), then in order per person.
    const identity = this.chain(this.resolving, normaliseJid(inbound.remoteJid), () => this.identities.resolve(inbound.remoteJid, inbound.altJid));
    const work = identity
      .then(
        (who) => this.process(inbound, who),
        (error: unknown) => this.failed(inbound, error, this.options.defaultLocale),
      )
      .finally(() => {
        this.inFlight.delete(work);
        this.options.onUpdateHandled?.(performance.now() - arrived);
      });
    this.inFlight.add(work);
    const overloaded = this.inFlight.size > MAX_IN_FLIGHT;
    if (overloaded && !this.overloaded) this.options.log.warn({ inFlight: this.inFlight.size }, 'WhatsApp: many messages in hand; answers are slow');
    this.overloaded = overloaded;
  }

  /** Runs `task` after the previous task of the same key; the chain survives failures. */
  private chain<T>(chains: Map<string, Promise<unknown>>, key: string, task: () => Promise<T>): Promise<T> {
    const previous = chains.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return current;
  }

  /** Hands a message to the inbound pipeline, as the person it resolved to. */
  private async process(inbound: WhatsAppInbound, who: WhatsAppIdentity): Promise<void> {
    const event = inbound.event;
    await this.pipeline.take(
      {
        chatId: who.canonicalKey,
        updateId: `${who.canonicalKey}:${inbound.messageId}`,
        event,
        staff: this.options.staff ? () => this.staffRequest(inbound, who) : undefined,
      },
      new WhatsAppOutlet(this, inbound, this.options.t),
    );
  }

  /**
   * Staff commands: slash commands and the bare command words of anyone, and for known staff also
   * a first word that names a staff command (`SKOR DUKCAPIL`). Null: the survey answers it.
   */
  private async staffRequest(inbound: WhatsAppInbound, who: WhatsAppIdentity): Promise<StaffRequestOf | null> {
    const event = inbound.event;
    if (event.kind !== 'command' && !inbound.word) return null;
    const staffJid = await this.directory.jidOf(who);
    const request = event.kind === 'command' ? { command: event.command, arg: event.arg } : staffJid ? inbound.word : undefined;
    if (!request) return null;
    // Known staff are answered in the language stored with them (WhatsApp gives no language hint).
    const stored = staffJid
      ? await this.options.db.staffUser.findUnique({
          where: { channel_externalId: { channel: 'whatsapp', externalId: staffJid } },
          select: { locale: true },
        })
      : null;
    const locale: Locale = stored?.locale === 'en' ? 'en' : stored?.locale === 'id' ? 'id' : this.options.defaultLocale;
    return {
      // A known staff member acts as the identity they registered with, whichever one wrote now.
      userId: staffJid ?? who.jid,
      displayName: inbound.pushName,
      command: request.command,
      arg: request.arg,
      locale,
    };
  }

  /** A staff member joined (or may have): the directory of staff identities is read again. */
  async staffJoined(): Promise<void> {
    await this.directory.refresh();
  }

  /** Sends the replies in order; waits a little for a dropped connection to come back. */
  async reply(jid: string, contents: AnyMessageContent[]): Promise<void> {
    const sent: (WAMessage | undefined)[] = [];
    try {
      for (const content of contents) {
        const socket = await this.connection.openSocket();
        if (!socket) throw new NotConnectedError();
        sent.push(await socket.sendMessage(jid, content));
      }
    } finally {
      // Kept for a retry receipt (the person's phone may ask for any of them again); one write.
      await this.connection.sent.remember(sent);
    }
  }

  private async failed(inbound: WhatsAppInbound, error: unknown, locale: Locale): Promise<void> {
    const { log } = this.options;
    if (error instanceof NotConnectedError) {
      log.warn({ event: inbound.event.kind }, 'WhatsApp: reply not sent, not connected');
      return;
    }
    log.error({ err: scrubbed(error), event: inbound.event.kind }, 'WhatsApp: message handling failed');
    try {
      await this.reply(inbound.remoteJid, [{ text: this.options.t(locale, 'errors.internal') }]);
    } catch (sendError) {
      log.warn({ err: scrubbed(sendError) }, 'WhatsApp: could not send the apology');
    }
  }
}

class NotConnectedError extends Error {
  override name = 'NotConnectedError';
}

/** A staff reply as WhatsApp messages: texts, then the chart, then a file. */
function staffContents(reply: StaffReply, extra: string | undefined): AnyMessageContent[] {
  const contents: AnyMessageContent[] = reply.messages.map((text) => ({ text }));
  if (extra) contents.push({ text: extra });
  if (reply.photo) contents.push({ image: reply.photo.content, caption: reply.photo.caption, mimetype: 'image/png' });
  if (reply.document) {
    const doc = reply.document;
    contents.push({ document: doc.content, fileName: doc.filename, caption: doc.caption, mimetype: mimeOf(doc.filename) });
  }
  return contents;
}

function mimeOf(filename: string): string {
  if (filename.endsWith('.csv')) return 'text/csv';
  if (filename.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return 'application/octet-stream';
}

/** Answers one message on WhatsApp: numbered options as text, staff files as documents. */
class WhatsAppOutlet implements Outlet {
  constructor(
    private readonly channel: WhatsAppChannel,
    private readonly inbound: WhatsAppInbound,
    private readonly t: Translate,
  ) {}

  async answer(output: EngineOutput, locale: Locale): Promise<void> {
    const texts = output.messages.map((m) => renderMessage(m, locale, this.t));
    const event = this.inbound.event;
    if (event.kind === 'command' && ['bantuan', 'help'].includes(event.command)) texts.push(this.t(locale, 'whatsapp.help'));
    await this.channel.reply(
      this.inbound.remoteJid,
      texts.map((text) => ({ text })),
    );
  }

  async repeat(messages: OutMessage[], locale: Locale): Promise<void> {
    await this.channel.reply(
      this.inbound.remoteJid,
      messages.map((m) => ({ text: renderMessage(m, locale, this.t) })),
    );
  }

  async staffReply(reply: StaffReply, request: StaffRequestOf): Promise<void> {
    if (request.command === 'daftar' || request.command === 'start') await this.channel.staffJoined();
    const help = request.command === 'bantuan' ? this.t(request.locale, 'whatsapp.staffHelp') : undefined;
    await this.channel.reply(this.inbound.remoteJid, staffContents(reply, help));
  }

  async say(text: string): Promise<void> {
    await this.channel.reply(this.inbound.remoteJid, [{ text }]);
  }
}
