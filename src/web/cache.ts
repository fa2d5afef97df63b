// A short-lived in-process cache of rendered responses (page or JSON, with its ETag), keyed by what
// shapes them (page, agency, unit, period, language). Public pages are read far more often than
// the scores change: within `ttlMs` a page is served without touching the database. After that the
// old answer is still served while one new rendering runs in the background (stale while
// revalidate), so a reader never waits for a rendering that another reader already started, and
// concurrent first readers of a key share one. Bounded: past `max` entries the oldest is dropped.
import crypto from 'node:crypto';

export interface Rendered {
  status: number;
  type: string;
  body: string;
  etag: string;
}

interface Entry {
  at: number;
  value: Rendered | undefined;
  pending: Promise<Rendered> | undefined;
}

export class RenderCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(key: string, render: () => Promise<Omit<Rendered, 'etag'>>): Promise<Rendered> {
    if (this.ttlMs <= 0) return stamped(await render());
    let entry = this.entries.get(key);
    if (entry?.value && this.clock() - entry.at < this.ttlMs) return entry.value;
    if (!entry) {
      entry = { at: 0, value: undefined, pending: undefined };
      this.entries.set(key, entry);
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    entry.pending ??= this.refresh(key, entry, render);
    if (entry.value) {
      // Stale: served as is; a failed refresh leaves it for the next reader to try again.
      entry.pending.catch(() => {});
      return entry.value;
    }
    return entry.pending;
  }

  private async refresh(key: string, entry: Entry, render: () => Promise<Omit<Rendered, 'etag'>>): Promise<Rendered> {
    try {
      const value = stamped(await render());
      entry.value = value;
      entry.at = this.clock();
      // Newest last, so that the oldest is dropped first.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return value;
    } finally {
      entry.pending = undefined;
    }
  }
}

function stamped(made: Omit<Rendered, 'etag'>): Rendered {
  return { ...made, etag: `"${crypto.createHash('sha1').update(made.body).digest('base64url')}"` };
}
