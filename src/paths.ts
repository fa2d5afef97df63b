// Where the project's files are (migrations, locales), found from this module's own location by
// walking up to package.json, so that it holds whether the code runs from src/ (tsx, tests) or
// from the bundle in dist/ (npm start).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'prisma', 'migrations'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`skm-bot: cannot find the project folder above ${start}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');
export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');
/** The public pages' stylesheets and the lobby screen's script (served as files: see src/web/). */
export const WEB_ASSETS_DIR = path.join(PROJECT_ROOT, 'src', 'web', 'static');
