// /bantuan: exactly the commands this user may use, one line each, and the period words; it also
// sets the chat's command menu to that list.
import type { StaffCommand } from './types.js';

const bantuan: StaffCommand = {
  name: 'bantuan',
  level: 'official',
  writes: false,
  menu: (t) => t('staff.menu.bantuan'),
  run: async (c) => {
    const menu = c.menu();
    const lines = menu.map((m) => `/${m.command} – ${m.description}`);
    return { messages: [[c.t('staff.help.intro'), ...lines, '', c.t('staff.help.periods')].join('\n')], menu };
  },
};

export const HELP_COMMANDS: readonly StaffCommand[] = [bantuan];
