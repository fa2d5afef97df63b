// Who is writing on WhatsApp. One person may arrive under two identities: a phone-number JID
// (`628…@s.whatsapp.net`) and a LID (`…@lid`); Baileys gives the other one as `remoteJidAlt` when
// it knows it. Both are stored only as keyed hashes (aliases) pointing at one canonical key, so a
// conversation, the one-response rule and a staff role follow the person whichever identity a
// message comes from. The first identity seen becomes canonical; an existing alias always wins.
//
// Staff are the exception to "hashes only": an official's StaffUser.externalId is the JID they
// joined from (the outbox must be able to message them). StaffDirectory maps canonical keys to
// those JIDs, so a staff member is recognised from either identity.
import { jidNormalizedUser } from '@whiskeysockets/baileys';
import type { Db } from '../../db/client.js';
import type { Pseudonymizer } from '../../survey/pseudonym.js';

/** The person behind a message: the canonical key (the survey's chat id) and the JIDs seen now. */
export interface WhatsAppIdentity {
  canonicalKey: string;
  /** The sender's JID, normalised (no device part). */
  jid: string;
  /** The other identity Baileys reported (remoteJidAlt), normalised. */
  altJid: string | undefined;
}

/** `628…:12@s.whatsapp.net` → `628…@s.whatsapp.net`; `…@c.us` → `…@s.whatsapp.net`. */
export function normaliseJid(jid: string): string {
  return jidNormalizedUser(jid) || jid;
}

/** Mappings are never changed once written (only deleted, by forget()), so they are cached. */
const CACHE_LIMIT = 50_000;

export class IdentityResolver {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly pseudonymizer: Pseudonymizer,
  ) {}

  /** The keyed hash of a JID (normalised first). */
  aliasKey(jid: string): string {
    return this.pseudonymizer.chatKey('whatsapp-jid', normaliseJid(jid));
  }

  /** Resolves a sender (and its alternative identity, if known) to one canonical key. */
  async resolve(rawJid: string, rawAlt?: string): Promise<WhatsAppIdentity> {
    const jid = normaliseJid(rawJid);
    const alt = rawAlt ? normaliseJid(rawAlt) : undefined;
    const altJid = alt && alt !== jid ? alt : undefined;
    const keys = [this.aliasKey(jid), ...(altJid ? [this.aliasKey(altJid)] : [])];
    const cached = keys.map((k) => this.cache.get(k));
    if (cached.every((c) => c !== undefined)) return { canonicalKey: cached[0]!, jid, altJid };
    const canonicalKey = await this.link(keys);
    return { canonicalKey, jid, altJid };
  }

  /**
   * Points every alias at one canonical key and returns it: the sender's existing canonical key,
   * else the other identity's, else the sender's own alias key. One statement reads, chooses and
   * inserts; a concurrent writer's row wins (DO NOTHING), and is read back if that happened.
   */
  private async link(keys: string[]): Promise<string> {
    const [own, other = own] = keys as [string, string?];
    const now = new Date();
    const rows = await this.db.$queryRaw<{ aliasKey: string; canonicalKey: string }[]>`
      WITH existing AS (
        SELECT "aliasKey", "canonicalKey" FROM "WhatsAppAlias" WHERE "aliasKey" = ANY(${keys}::text[])
      ), chosen AS (
        SELECT COALESCE(
          (SELECT "canonicalKey" FROM existing WHERE "aliasKey" = ${own}),
          (SELECT "canonicalKey" FROM existing WHERE "aliasKey" = ${other}),
          ${own}) AS canonical
      ), inserted AS (
        INSERT INTO "WhatsAppAlias" ("aliasKey", "canonicalKey", "createdAt")
        SELECT k, (SELECT canonical FROM chosen), ${now} FROM unnest(${keys}::text[]) AS k
        WHERE k NOT IN (SELECT "aliasKey" FROM existing)
        ON CONFLICT ("aliasKey") DO NOTHING
        RETURNING "aliasKey", "canonicalKey"
      )
      SELECT "aliasKey", "canonicalKey" FROM existing UNION ALL SELECT "aliasKey", "canonicalKey" FROM inserted`;
    let stored = new Map(rows.map((r) => [r.aliasKey, r.canonicalKey]));
    // A key neither found nor inserted was written meanwhile by someone else: read what won.
    if (keys.some((k) => !stored.has(k))) stored = await this.lookup(keys);
    for (const [alias, canonical] of stored) this.remember(alias, canonical);
    return stored.get(own) ?? own;
  }

  /**
   * Forgets which identities belong together (after /hapusdata). The canonical key itself is
   * derived from the first identity again when the person writes anew.
   */
  async forget(canonicalKey: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "WhatsAppAlias" WHERE "canonicalKey" = ${canonicalKey}`;
    for (const [alias, canonical] of this.cache) if (canonical === canonicalKey) this.cache.delete(alias);
  }

  private async lookup(keys: string[]): Promise<Map<string, string>> {
    const rows = await this.db.$queryRaw<{ aliasKey: string; canonicalKey: string }[]>`
      SELECT "aliasKey", "canonicalKey" FROM "WhatsAppAlias" WHERE "aliasKey" = ANY(${keys}::text[])`;
    return new Map(rows.map((r) => [r.aliasKey, r.canonicalKey]));
  }

  private remember(alias: string, canonical: string): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(alias, canonical);
  }
}

/** How long the staff map is trusted before it is read again (staff granted by the CLI appear then). */
const STAFF_REFRESH_MS = 60_000;

/**
 * Canonical key → the JID a WhatsApp staff member is registered under (StaffUser.externalId).
 * Staff are few: the whole map is read at once and kept for a minute; a join refreshes it at once.
 */
export class StaffDirectory {
  private byCanonical = new Map<string, string>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly identities: IdentityResolver,
    private readonly now: () => number = Date.now,
  ) {}

  /** The registered JID of the staff member behind this identity, or undefined for everyone else. */
  async jidOf(identity: WhatsAppIdentity): Promise<string | undefined> {
    if (this.now() - this.loadedAt > STAFF_REFRESH_MS) await this.refresh();
    return this.byCanonical.get(identity.canonicalKey);
  }

  /** Reads the map again (after a join, or when it is stale). */
  async refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    const users = await this.db.staffUser.findMany({ where: { channel: 'whatsapp' }, select: { externalId: true } });
    const byAlias = new Map(users.map((u) => [this.identities.aliasKey(u.externalId), u.externalId]));
    const aliases = [...byAlias.keys()];
    const rows =
      aliases.length === 0
        ? []
        : await this.db.$queryRaw<{ aliasKey: string; canonicalKey: string }[]>`
            SELECT "aliasKey", "canonicalKey" FROM "WhatsAppAlias" WHERE "aliasKey" = ANY(${aliases}::text[])`;
    const canonicalOf = new Map(rows.map((r) => [r.aliasKey, r.canonicalKey]));
    const map = new Map<string, string>();
    for (const [alias, jid] of byAlias) {
      // A staff JID without an alias yet (granted by the CLI, never wrote) is its own canonical key.
      const canonical = canonicalOf.get(alias) ?? alias;
      if (!map.has(canonical)) map.set(canonical, jid);
    }
    this.byCanonical = map;
    this.loadedAt = this.now();
  }
}
