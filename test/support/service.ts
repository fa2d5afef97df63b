// A SurveyService on a test database, with a controllable clock.
import { createLogger } from '../../src/log.js';
import { Catalog } from '../../src/survey/catalog.js';
import { createPseudonymizer } from '../../src/survey/pseudonym.js';
import { SurveyService, type ChannelName } from '../../src/survey/service.js';
import { translate } from '../../src/i18n/index.js';
import type { Db } from '../../src/db/client.js';
import type { EngineConfig, EngineOutput, InboundEvent } from '../../src/survey/types.js';
import { CONFIG } from './engine-fixture.js';

export const silentLog = createLogger('silent');

export function createTestService(db: Db, options: { clock?: () => Date; engine?: Partial<EngineConfig> } = {}) {
  const catalog = new Catalog(db, 0);
  const service = new SurveyService({
    db,
    catalog,
    pseudonymizer: createPseudonymizer('test-key-test-key-test-key-test-key'),
    engine: { ...CONFIG, ...options.engine },
    defaultLocale: 'id',
    t: translate,
    log: silentLog,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { service, catalog };
}

/** A chat that talks to the service the way a channel does, remembering the last buttons. */
export class ServiceChat {
  private nextUpdate = 1;
  last: EngineOutput | undefined;

  constructor(
    private readonly service: SurveyService,
    readonly chatId: string,
    readonly channel: ChannelName = 'telegram',
  ) {}

  async send(event: InboundEvent, updateId: number | null = this.nextUpdate++) {
    const result = await this.service.handle({
      channel: this.channel,
      chatId: this.chatId,
      updateId: updateId === null ? null : `${this.chatId}:${updateId}`,
      event,
    });
    if (!result.duplicate) this.last = result.output;
    return result;
  }

  tokenOf(index: number, output = this.last): string {
    const buttons = (output?.messages ?? []).flatMap((m) => m.choices ?? []).flat();
    const button = buttons[index];
    if (!button) throw new Error(`no button ${index}`);
    return button.token;
  }

  tap(index: number, output = this.last) {
    return this.send({ kind: 'choice', token: this.tokenOf(index, output) });
  }

  /** Deep link, consent (if asked), first service type (if asked), skip the profile. */
  async toFirstQuestion(unit: string) {
    await this.send({ kind: 'command', command: 'start', arg: `u_${unit}` });
    if (this.last?.state.step.kind === 'consent') await this.tap(0);
    if (this.last?.state.step.kind === 'service_type') await this.tap(0);
    return this.tap(1);
  }

  async completeSurvey(unit: string, answers: readonly number[], suggestion: string | null = null) {
    await this.toFirstQuestion(unit);
    for (const a of answers) await this.tap(a - 1);
    while (this.last?.state.step.kind === 'maladmin') await this.tap(1);
    return suggestion === null ? this.tap(0) : this.send({ kind: 'text', text: suggestion });
  }
}
