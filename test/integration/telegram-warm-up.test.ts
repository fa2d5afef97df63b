// The Bot API client's warm-up (src/channels/telegram/warm-up.ts): every call goes to a server of
// its own on 127.0.0.1, each answered, and that server is gone afterwards.
import { describe, expect, it } from 'vitest';
import { warmUpBotApiClient } from '../../src/channels/telegram/warm-up.js';

const servers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;

describe('Bot API client warm-up', () => {
  it('makes four calls a round against its own local server, and closes it', async () => {
    const before = servers();
    const warm = await warmUpBotApiClient({ rounds: 25 });
    expect(warm.calls).toBe(100);
    expect(warm.ms).toBeGreaterThan(0);
    // The handles go once the closes have been processed (the client's sockets see the server's end).
    for (let waited = 0; servers() > before && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(servers()).toBe(before);
  });

  it('does nothing for no rounds', async () => {
    expect(await warmUpBotApiClient({ rounds: 0 })).toMatchObject({ calls: 0 });
  });
});
