// The systemd units in deploy/ are valid for systemd itself (`systemd-analyze verify`, when the
// machine has it), and keep what the deployment guide promises: restart on failure, settings from
// an environment file, a non-root user, a daily backup.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run.js';

const UNITS = ['skm-bot.service', 'skm-backup.service', 'skm-backup.timer'];
const read = (name: string) => fs.readFile(path.join(ROOT, 'deploy', name), 'utf8');
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasSystemd = analyze.status === 0;

describe('deploy/ systemd units', () => {
  it('say what the guide promises', async () => {
    const bot = await read('skm-bot.service');
    expect(bot).toMatch(/^Restart=on-failure$/m);
    expect(bot).toMatch(/^EnvironmentFile=\/etc\/skm-bot\/skm-bot\.env$/m);
    expect(bot).toMatch(/^User=(?!root$)\w+$/m);
    expect(bot).toMatch(/^ExecStart=\/usr\/bin\/node .*\/opt\/skm-bot\/bin\/start\.js$/m);
    const backup = await read('skm-backup.service');
    expect(backup).toMatch(/^Type=oneshot$/m);
    expect(backup).toMatch(/^User=(?!root$)\w+$/m);
    expect(backup).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/skm-bot\/bin\/skm\.js backup$/m);
    const timer = await read('skm-backup.timer');
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 02:30:00$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(timer).toMatch(/^Unit=skm-backup\.service$/m);
  });

  it('pass systemd-analyze verify without a single warning', async (ctx) => {
    if (!hasSystemd) {
      ctx.skip('systemd-analyze is not installed on this machine (apt-get install systemd to run this check)');
      return;
    }
    // The units name the installed paths (/opt/skm-bot, /usr/bin/node): verify a copy that names
    // this checkout and this Node instead, since verify checks that each command is executable.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skm-units-'));
    try {
      const find = execFileSync('sh', ['-c', 'command -v find'], { encoding: 'utf8' }).trim();
      for (const name of UNITS) {
        const text = (await read(name))
          .replaceAll('/usr/bin/node', process.execPath)
          .replaceAll('/usr/bin/find', find)
          .replaceAll('/opt/skm-bot', ROOT);
        await fs.writeFile(path.join(dir, name), text);
      }
      const result = spawnSync('systemd-analyze', ['verify', ...UNITS.map((n) => path.join(dir, n))], { encoding: 'utf8' });
      // verify exits 0 on unknown keys and bad values (it only warns), so any output is a failure.
      expect(`${result.stdout}${result.stderr}`).toBe('');
      expect(result.status).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
