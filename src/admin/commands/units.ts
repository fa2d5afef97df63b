// /unit: the units an admin's scope covers, with their state and the deep link for posters.
import { telegramStartLink } from '../../text/index.js';
import type { StaffCommand } from './types.js';

const unit: StaffCommand = {
  name: 'unit',
  level: 'admin',
  writes: false,
  menu: (t) => t('staff.menu.unit'),
  run: async (c) => {
    const units = await c.root.serviceUnit.findMany({
      where: { id: { in: [...c.scope.unitIds] } },
      include: { agency: true },
      orderBy: [{ agency: { code: 'asc' } }, { code: 'asc' }],
    });
    const bot = c.botUsername();
    const lines = [c.t('staff.unit.head', { n: units.length })];
    for (const u of units) {
      lines.push(`${u.code} – ${u.name} (${u.agency.code})${u.active ? '' : ` – ${c.t('staff.unit.inactive')}`}`);
      if (bot) lines.push(`  ${telegramStartLink(bot, `u_${u.code}`)}`);
    }
    return { messages: [lines.join('\n')] };
  },
};

export const UNIT_COMMANDS: readonly StaffCommand[] = [unit];
