// The outbox table as jobs and the operator see it: jobs enqueue messages inside the transaction
// that records their run (so a run's messages exist exactly when the run does), the operator lists
// them (`skm outbox`) and puts failed or interrupted ones back in the queue (`skm outbox retry`).
// Delivery itself is sender.ts.
import crypto from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import { localParts } from '../scoring/period.js';
import type { OutboxChannel } from './transport.js';

export interface OutgoingMessage {
  channel: OutboxChannel;
  chatId: string;
  staffUserId?: number | null;
  /** The message, or the photo's caption. */
  text: string;
  photo?: { filename: string; content: Buffer; contentType?: string };
}

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export function isOutboxStatus(value: string): value is OutboxStatus {
  return (OUTBOX_STATUSES as readonly string[]).includes(value);
}

const CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

function contentTypeOf(photo: NonNullable<OutgoingMessage['photo']>): string {
  if (photo.contentType) return photo.contentType;
  const extension = photo.filename.split('.').pop()?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/**
 * Stores each distinct photo once (by SHA-256; a file already stored by an earlier run is reused)
 * and returns the OutboxFile id for each photo buffer.
 */
async function storeFiles(tx: Tx | Db, messages: OutgoingMessage[], now: Date): Promise<Map<Buffer, number>> {
  const shaOf = new Map<Buffer, string>();
  const idOfSha = new Map<string, number>();
  for (const { photo } of messages) {
    if (!photo || shaOf.has(photo.content)) continue;
    const sha = crypto.createHash('sha256').update(photo.content).digest('hex');
    shaOf.set(photo.content, sha);
    if (idOfSha.has(sha)) continue;
    // DO UPDATE (a no-op) rather than DO NOTHING, so that RETURNING gives the existing row's id.
    const rows = await tx.$queryRaw<{ id: number }[]>`
      INSERT INTO "OutboxFile" (sha256, filename, "contentType", content, "createdAt")
      VALUES (${sha}, ${photo.filename}, ${contentTypeOf(photo)}, ${photo.content}, ${now})
      ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
      RETURNING id`;
    idOfSha.set(sha, rows[0]!.id);
  }
  return new Map([...shaOf].map(([buffer, sha]) => [buffer, idOfSha.get(sha)!]));
}

const INSERT_SLICE = 500;

/**
 * Queues messages, in order (per chat they are delivered in this order). Call it inside the
 * transaction that records the job run. Returns how many rows were queued.
 */
export async function enqueue(tx: Tx | Db, jobRunId: number | null, messages: OutgoingMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  // Explicit times: the columns' SQL default would follow the server's time zone, Prisma's UTC does not.
  const now = new Date();
  const files = await storeFiles(tx, messages, now);
  const rows: Prisma.OutboxMessageCreateManyInput[] = messages.map((m) => ({
    channel: m.channel,
    chatId: m.chatId,
    staffUserId: m.staffUserId ?? null,
    jobRunId,
    kind: m.photo ? 'photo' : 'text',
    text: m.text,
    fileId: m.photo ? files.get(m.photo.content)! : null,
    createdAt: now,
    notBefore: now,
  }));
  // In slices: one createMany of 10,000 summaries costs Prisma hundreds of MB to build. Sequential,
  // so ids still follow the messages' order.
  let count = 0;
  for (let start = 0; start < rows.length; start += INSERT_SLICE) {
    const result = await tx.outboxMessage.createMany({ data: rows.slice(start, start + INSERT_SLICE) });
    count += result.count;
  }
  return count;
}

// ---- the operator's view -------------------------------------------------------------

export interface OutboxRow {
  id: bigint;
  status: string;
  channel: string;
  kind: string;
  staffUserId: number | null;
  jobRunId: number | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  /** The first characters of the text or caption, on one line. */
  preview: string;
}

export interface OutboxListing {
  rows: OutboxRow[];
  /** Rows per status over the whole outbox, whatever the filter. */
  counts: Partial<Record<string, number>>;
  statuses: string[] | undefined;
  limit: number;
}

const PREVIEW_CHARS = 40;

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line;
}

/** The most recent outbox rows (newest first), optionally only those in the given statuses. */
export async function listOutbox(db: Db, options: { status?: string[]; limit?: number } = {}): Promise<OutboxListing> {
  const statuses = options.status && options.status.length > 0 ? options.status : undefined;
  for (const status of statuses ?? []) {
    if (!isOutboxStatus(status)) throw new Error(`unknown outbox status "${status}" (one of: ${OUTBOX_STATUSES.join(', ')})`);
  }
  const limit = options.limit ?? 50;
  const [rows, groups] = await Promise.all([
    db.outboxMessage.findMany({
      where: statuses ? { status: { in: statuses } } : {},
      orderBy: { id: 'desc' },
      take: limit,
      select: {
        id: true,
        status: true,
        channel: true,
        kind: true,
        staffUserId: true,
        jobRunId: true,
        attempts: true,
        createdAt: true,
        sentAt: true,
        lastError: true,
        text: true,
      },
    }),
    db.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } }),
  ]);
  const counts: Partial<Record<string, number>> = {};
  for (const group of groups) counts[group.status] = group._count._all;
  return {
    rows: rows.map(({ text, ...row }) => ({ ...row, preview: preview(text) })),
    counts,
    statuses,
    limit,
  };
}

/** Statuses a row may be retried from: not sent, not queued, not in flight. */
const RETRYABLE: OutboxStatus[] = ['failed', 'unknown', 'cancelled'];

/**
 * Puts rows back in the queue (pending, attempts reset): the given ids (if failed, unknown or
 * cancelled), or every failed or every unknown row. Returns how many rows were queued again.
 */
export async function retryOutbox(db: Db, which: bigint[] | 'failed' | 'unknown'): Promise<number> {
  const where: Prisma.OutboxMessageWhereInput = Array.isArray(which) ? { id: { in: which }, status: { in: RETRYABLE } } : { status: which };
  const result = await db.outboxMessage.updateMany({
    where,
    data: { status: 'pending', attempts: 0, notBefore: new Date(), lastError: null, claimedBy: null, claimedAt: null },
  });
  return result.count;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function localTime(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.y}-${pad2(p.m)}-${pad2(p.d)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

function countsLine(counts: OutboxListing['counts']): string {
  const total = Object.values(counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  if (total === 0) return 'Outbox: empty.';
  const parts = OUTBOX_STATUSES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return `Outbox: ${parts.join(', ')} (${total} in all).`;
}

type Column = { title: string; align: 'left' | 'right'; value: (row: OutboxRow) => string };

function columns(timeZone: string): Column[] {
  return [
    { title: 'id', align: 'right', value: (r) => String(r.id) },
    { title: 'status', align: 'left', value: (r) => r.status },
    { title: 'channel', align: 'left', value: (r) => r.channel },
    { title: 'staff user', align: 'right', value: (r) => (r.staffUserId === null ? '-' : String(r.staffUserId)) },
    { title: 'kind', align: 'left', value: (r) => r.kind },
    { title: 'tries', align: 'right', value: (r) => String(r.attempts) },
    { title: 'queued', align: 'left', value: (r) => localTime(r.createdAt, timeZone) },
    { title: 'sent', align: 'left', value: (r) => (r.sentAt ? localTime(r.sentAt, timeZone) : '-') },
    { title: 'text', align: 'left', value: (r) => r.preview },
  ];
}

function table(rows: OutboxRow[], timeZone: string): string[] {
  const cols = columns(timeZone);
  const cells = rows.map((row) => cols.map((c) => c.value(row)));
  const widths = cols.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (cols[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(cols.map((c) => c.title))];
  rows.forEach((row, i) => {
    out.push(line(cells[i]!));
    if (row.lastError) out.push(`${' '.repeat(widths[0]! + 2)}last error: ${row.lastError}`);
  });
  return out;
}

/** The `skm outbox` listing: counts per status, then the rows (times in `timeZone`). */
export function formatOutboxList(listing: OutboxListing, timeZone = 'UTC'): string {
  const out = [countsLine(listing.counts)];
  const filter = listing.statuses ? ` with status ${listing.statuses.join(' or ')}` : '';
  if (listing.rows.length === 0) {
    if (listing.statuses) out.push(`No messages${filter}.`);
  } else {
    const which = listing.rows.length < listing.limit ? `All ${listing.rows.length} messages` : `The ${listing.limit} most recent messages`;
    out.push('', `${which}${filter}, newest first (times in ${timeZone}):`, ...table(listing.rows, timeZone));
  }
  const stuck = (listing.counts.failed ?? 0) + (listing.counts.unknown ?? 0);
  if (stuck > 0) {
    out.push('', 'Failed and unknown messages are not sent again by themselves. To queue them again:');
    out.push('  skm outbox retry <id>    skm outbox retry --failed    skm outbox retry --unknown');
    if ((listing.counts.unknown ?? 0) > 0) out.push('"unknown": the sender stopped between sending and recording it; it may have arrived.');
  }
  return out.join('\n');
}
