// The retry counter cache handed to every socket the channel opens (Baileys' msgRetryCounterCache).
// Baileys counts per message how often it asked for, or re-sent, a message that could not be
// decrypted, and stops at maxMsgRetryCount. Its own default cache lives and dies with one socket,
// so a reconnect started the counts afresh; this one outlives the sockets. Bounded twice: entries
// expire after an hour (Baileys' own TTL for it) and the oldest go beyond `maxEntries`.
import type { CacheStore } from '@whiskeysockets/baileys';

export const RETRY_COUNTER_TTL_MS = 60 * 60_000;

export class RetryCounterCache implements CacheStore {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = RETRY_COUNTER_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    // Baileys stores only what it reads back under the same key (numbers): the type is its own.
    return entry.value as T;
  }

  set<T>(key: string, value: T): void {
    // Deleted first so that the key moves to the end: the Map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  del(key: string): void {
    this.entries.delete(key);
  }

  flushAll(): void {
    this.entries.clear();
  }
}
