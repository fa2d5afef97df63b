import { describe, expect, it } from 'vitest';
import { RenderCache } from '../../src/web/cache.js';

const page = (body: string) => ({ status: 200, type: 'text/html', body });

describe('render cache of the public pages', () => {
  it('reuses a rendering within its time, then serves it once more while one new rendering runs', async () => {
    let now = 0;
    let renders = 0;
    const cache = new RenderCache(1000, 10, () => now);
    const render = async () => page(`v${++renders}`);
    expect((await cache.get('k', render)).body).toBe('v1');
    now = 999;
    expect((await cache.get('k', render)).body).toBe('v1');
    expect(renders).toBe(1);
    now = 1000;
    expect((await cache.get('k', render)).body).toBe('v1'); // stale, refresh started
    await Promise.resolve();
    expect((await cache.get('k', render)).body).toBe('v2');
    expect(renders).toBe(2);
  });

  it('shares one rendering among concurrent first readers, and an ETag that follows the body', async () => {
    let renders = 0;
    const cache = new RenderCache(1000);
    const slow = async () => {
      renders += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return page('same');
    };
    const answers = await Promise.all([cache.get('k', slow), cache.get('k', slow), cache.get('k', slow)]);
    expect(renders).toBe(1);
    expect(new Set(answers.map((a) => a.etag)).size).toBe(1);
    expect((await new RenderCache(0).get('x', async () => page('other'))).etag).not.toBe(answers[0].etag);
  });

  it('keeps the last good answer when a refresh fails, and tries again on the next read', async () => {
    let now = 0;
    let fail = false;
    const cache = new RenderCache(10, 10, () => now);
    const render = async () => {
      if (fail) throw new Error('database away');
      return page(`at ${now}`);
    };
    await cache.get('k', render);
    now = 20;
    fail = true;
    expect((await cache.get('k', render)).body).toBe('at 0');
    await new Promise((resolve) => setTimeout(resolve, 0));
    fail = false;
    expect((await cache.get('k', render)).body).toBe('at 0');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await cache.get('k', render)).body).toBe('at 20');
  });

  it('renders every time with no cache time, and forgets the oldest key past its bound', async () => {
    let renders = 0;
    const none = new RenderCache(0);
    await none.get('k', async () => page(String(++renders)));
    await none.get('k', async () => page(String(++renders)));
    expect(renders).toBe(2);
    const small = new RenderCache(1000, 2);
    let a = 0;
    await small.get('a', async () => page(`a${++a}`));
    await small.get('b', async () => page('b'));
    await small.get('c', async () => page('c'));
    expect((await small.get('a', async () => page(`a${++a}`))).body).toBe('a2');
  });
});
