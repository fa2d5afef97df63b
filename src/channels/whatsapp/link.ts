// `skm whatsapp link`: pairs the bot with a WhatsApp account as a linked device. Shows the QR code
// in the terminal (WhatsApp → Linked devices → Link a device) and, for a phone number, a pairing
// code to type instead; then stores the session in PostgreSQL (auth-state.ts) so the bot connects
// without pairing again. It takes the same lease as the running channel: while a bot holds the
// WhatsApp connection, linking refuses instead of fighting over the session.
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { type BaileysEventMap, DisconnectReason } from '@whiskeysockets/baileys';
import QRCode from 'qrcode';
import { WHATSAPP_NUMBER_PATTERN } from '../../config/whatsapp-number.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../log.js';
import { acquireLease, leaseHolder, releaseLease, renewLease } from '../../db/lease.js';
import { clearAuthState, isLinked, usePostgresAuthState, type PostgresAuthState } from './auth-state.js';
import { baileysSocketFactory, type BaileysLogger, disconnectCode, type SocketFactory, WHATSAPP_LEASE, type WaSocket } from './socket.js';

export interface LinkOptions {
  db: Db;
  log: Logger;
  /** Where the operator reads the QR code and the instructions. */
  out: (text: string) => void;
  /** Also offer a pairing code for this number (international form, digits only: 6281234567890). */
  phoneNumber?: string | undefined;
  /** Delete the stored session first and pair again. */
  relink?: boolean;
  socketFactory?: SocketFactory;
  /** Give up when not linked within this long (default 5 minutes). */
  timeoutMs?: number;
  /** After the connection opened, stay connected this long so the first keys are stored (default 5 s). */
  settleMs?: number;
  leaseName?: string;
  leaseTtlMs?: number;
  /** Aborts the linking (Ctrl-C). */
  signal?: AbortSignal;
}

export type LinkResult = { status: 'linked'; account: string | undefined } | { status: 'already-linked' };

/** Linking could not be done; the message tells the operator why and what to do. */
export class LinkError extends Error {
  override name = 'LinkError';
}

/** At most this many restarts in one linking (WhatsApp asks for one right after pairing). */
const MAX_RESTARTS = 5;

/** `+62811•••••01`: enough for the operator to recognise the bot's number. */
export function maskNumber(jid: string | undefined): string | undefined {
  const digits = jid?.split(/[@:]/)[0];
  if (!digits || !/^\d{6,}$/.test(digits)) return undefined;
  return `+${digits.slice(0, 5)}${'•'.repeat(digits.length - 7)}${digits.slice(-2)}`;
}

function formatCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** Pairs the bot, or says it already is. Throws LinkError when it cannot. */
export async function linkWhatsApp(options: LinkOptions): Promise<LinkResult> {
  const { db, out } = options;
  if (options.phoneNumber !== undefined && !WHATSAPP_NUMBER_PATTERN.test(options.phoneNumber)) {
    throw new LinkError('The phone number must be in international form, digits only, e.g. 6281234567890.');
  }
  if (!options.relink && (await isLinked(db))) {
    out('WhatsApp is already linked; the bot connects with the stored session. To pair another account, run `skm whatsapp link --relink`.');
    return { status: 'already-linked' };
  }
  const leaseName = options.leaseName ?? WHATSAPP_LEASE;
  const ttlMs = options.leaseTtlMs ?? 60_000;
  const holder = `link:${os.hostname()}:${process.pid}`;
  if (!(await acquireLease(db, leaseName, holder, ttlMs))) {
    const current = await leaseHolder(db, leaseName);
    throw new LinkError(
      `A running bot holds the WhatsApp connection (${current ?? 'another process'}). Stop it (or set WHATSAPP_ENABLED=false) and run the link again.`,
    );
  }
  const renew = setInterval(
    () => {
      void renewLease(db, leaseName, holder, ttlMs).catch((error: unknown) => options.log.warn({ err: error }, 'link: could not renew the lease'));
    },
    Math.max(1_000, Math.round(ttlMs / 3)),
  );
  try {
    if (options.relink) await clearAuthState(db);
    const auth = await usePostgresAuthState(db);
    return await pair(options, auth);
  } finally {
    clearInterval(renew);
    await releaseLease(db, leaseName, holder).catch(() => {});
  }
}

/** Runs sockets until one is open with a registered session (WhatsApp restarts once after pairing). */
async function pair(options: LinkOptions, auth: PostgresAuthState): Promise<LinkResult> {
  const factory = options.socketFactory ?? baileysSocketFactory;
  const logger: BaileysLogger = options.log.child({ module: 'baileys' }, { level: 'silent' });
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs ?? 300_000);
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
  let saved: Promise<void> = Promise.resolve();
  const save = () => {
    saved = saved.then(() => auth.saveCreds());
  };
  let pairingOffered = false;
  let qrShown = false;
  try {
    for (let restarts = 0; ; restarts++) {
      const socket = factory({ auth: auth.state, logger });
      const outcome = await runSocket(socket, signal, {
        onQr: (qr) => {
          qrShown = true;
          return showQr(options, qr);
        },
        onCreds: save,
        onConnecting: async () => {
          if (options.phoneNumber === undefined || pairingOffered || auth.state.creds.registered) return;
          pairingOffered = true;
          const code = await socket.requestPairingCode(options.phoneNumber);
          options.out(`Or, on the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead, and enter: ${formatCode(code)}`);
        },
      });
      await saved;
      if (outcome.kind === 'open') {
        await delay(options.settleMs ?? 5_000, undefined, { signal }).catch(() => {});
        socket.end(undefined);
        await saved;
        const account = maskNumber(auth.state.creds.me?.id);
        options.out(
          `WhatsApp linked${account ? ` (${account})` : ''}. The session is stored in the database; start the bot with WHATSAPP_ENABLED=true.`,
        );
        return { status: 'linked', account };
      }
      if (outcome.kind === 'aborted') {
        socket.end(undefined);
        throw new LinkError(
          options.signal?.aborted ? 'Linking cancelled.' : 'Not linked in time: run `skm whatsapp link` again and scan the code within a minute.',
        );
      }
      if (outcome.code === DisconnectReason.restartRequired && restarts < MAX_RESTARTS) continue;
      throw new LinkError(closeMessage(outcome.code, qrShown));
    }
  } finally {
    clearTimeout(timer);
  }
}

function closeMessage(code: number | undefined, qrShown: boolean): string {
  // Without a QR code, WhatsApp was never reached (no network, a proxy, a firewall).
  if (!qrShown && code !== DisconnectReason.loggedOut && code !== DisconnectReason.forbidden) {
    return `Could not reach WhatsApp (connection closed: ${code ?? 'no reason given'}): check that this server can reach web.whatsapp.com over HTTPS, then run \`skm whatsapp link\` again.`;
  }
  if (code === DisconnectReason.timedOut) return 'The QR code expired before it was scanned: run `skm whatsapp link` again.';
  if (code === DisconnectReason.loggedOut) return 'WhatsApp refused the link (logged out): run `skm whatsapp link` again.';
  if (code === DisconnectReason.forbidden) return 'WhatsApp refused this number (forbidden); check that the account is not banned.';
  return `The connection to WhatsApp closed (${code ?? 'no reason given'}): check the network and run \`skm whatsapp link\` again.`;
}

type Outcome = { kind: 'open' } | { kind: 'closed'; code: number | undefined } | { kind: 'aborted' };

function runSocket(
  socket: WaSocket,
  signal: AbortSignal,
  on: { onQr: (qr: string) => Promise<void>; onCreds: () => void; onConnecting: () => Promise<void> },
): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    signal.addEventListener('abort', () => resolve({ kind: 'aborted' }), { once: true });
    socket.ev.on('creds.update', on.onCreds);
    socket.ev.on('connection.update', (update: BaileysEventMap['connection.update']) => {
      if (update.qr) {
        // A pairing code can be asked for once the socket is up, which the first QR code shows.
        Promise.all([on.onQr(update.qr), on.onConnecting()]).catch((error: unknown) => {
          socket.end(undefined);
          reject(new LinkError(`Could not show the pairing code: ${error instanceof Error ? error.message : String(error)}`));
        });
      }
      if (update.connection === 'open') resolve({ kind: 'open' });
      if (update.connection === 'close') resolve({ kind: 'closed', code: disconnectCode(update.lastDisconnect?.error) });
    });
  });
}

async function showQr(options: LinkOptions, qr: string): Promise<void> {
  const art = await QRCode.toString(qr, { type: 'terminal', small: true });
  options.out(['Scan this QR code with the WhatsApp account of the bot: WhatsApp → Linked devices → Link a device.', art].join('\n'));
}
