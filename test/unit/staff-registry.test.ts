// The list of staff commands is the one place a command is declared: these checks catch the
// mistakes a copied entry invites (a name twice, a menu line naming another command's text, a
// name Telegram refuses in a command menu) before any chat sees them.
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandMap } from '../../src/admin/commands/index.js';

describe('the staff command registry', () => {
  it('has each name once, and two entries with one name are refused', () => {
    expect(COMMANDS.length).toBeGreaterThan(10);
    expect(commandMap(COMMANDS).size).toBe(COMMANDS.length);
    const [first] = COMMANDS;
    expect(() => commandMap([...COMMANDS, first!])).toThrow(`staff commands share a name: ${first!.name}`);
  });

  it('every name is one Telegram accepts in a command menu, and its menu line is its own text', () => {
    expect(COMMANDS.length).toBeGreaterThan(10);
    for (const command of COMMANDS) {
      expect(command.name).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(command.menu((key) => key)).toBe(`staff.menu.${command.name}`);
    }
  });

  it('lists the officials’ commands before the admins’, and /bantuan last', () => {
    const levels = COMMANDS.map((c) => c.level);
    const admins = levels.slice(levels.indexOf('admin'), -1);
    expect(levels.indexOf('admin')).toBeGreaterThan(0);
    expect(admins.length).toBeGreaterThan(0);
    expect(admins.every((level) => level === 'admin')).toBe(true);
    expect(COMMANDS.at(-1)?.name).toBe('bantuan');
  });
});
