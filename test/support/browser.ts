// Debian's Chromium driven by playwright-core (no browser download: the package is pinned and the
// browser comes from the system). Tests call `findChromium()` first and skip, saying why, when the
// machine has none: `apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji`,
// or CHROMIUM_PATH pointing at another build.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { type Browser, type Page, chromium } from 'playwright-core';
import { ROOT } from './run.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The browser's path, or null when it is not installed. */
export function findChromium(): string | null {
  return fs.existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : null;
}

export const MISSING_CHROMIUM = `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji, or set CHROMIUM_PATH)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's violations on the page, as "rule: help (targets)" lines. The script is injected
 * through the DevTools protocol's evaluation, which the page's Content-Security-Policy does not
 * govern (a <script> tag would be refused by it, as it should be).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const scope = globalThis as unknown as { axe: { run: (context: unknown) => Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const result = await scope.axe.run(scope.document);
    return result.violations;
  });
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}
