import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupUser } from '../../src/db/pg-access.js';

const id = (args: string[]): number => Number(execFileSync('id', args, { encoding: 'utf8' }).trim());
const passwdUsers = readFileSync('/etc/passwd', 'utf8')
  .split('\n')
  .map((line) => line.split(':')[0])
  .filter((name): name is string => !!name && !name.startsWith('#'));

describe('lookupUser (who runs the embedded PostgreSQL when skm-bot runs as root)', () => {
  it('reads uid and primary gid from /etc/passwd exactly as `id` reports them', () => {
    const names = passwdUsers.filter((name) => ['root', 'postgres', 'nobody', 'daemon'].includes(name));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(lookupUser(name), name).toEqual({ name, uid: id(['-u', name]), gid: id(['-g', name]) });
  });

  it('finds nobody for a name no one has, nor for a prefix of a real name', () => {
    expect(lookupUser('skm-no-such-user')).toBeUndefined();
    expect(lookupUser('roo')).toBeUndefined();
  });
});
