// A short-lived in-process cache of rendered responses (page or JSON, with its ETag), keyed by what
// shapes them (page, agency, unit, period, language). Public pages are read far more often than
// the scores change: within `ttlMs` a page is served without touching the database. Bounded: past
// `max` entries the oldest is dropped.
import crypto from 'node:crypto';

export interface Rendered {
  status: number;
  type: string;
  body: string;
  etag: string;
}

export class RenderCache {
  private readonly entries = new Map<string, { at: number; value: Rendered }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(key: string, render: () => Promise<Omit<Rendered, 'etag'>>): Promise<Rendered> {
    const hit = this.entries.get(key);
    if (hit && this.clock() - hit.at < this.ttlMs) return hit.value;
    const made = await render();
    const value = { ...made, etag: `"${crypto.createHash('sha1').update(made.body).digest('base64url')}"` };
    this.entries.delete(key);
    this.entries.set(key, { at: this.clock(), value });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
