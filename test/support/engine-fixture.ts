// Drives the pure engine the way the service does, with units and questionnaires in memory.
import { step, unitCodeWanted, initialState } from '../../src/survey/engine.js';
import { DEFAULT_QUESTIONNAIRE, type Questionnaire } from '../../src/survey/questionnaire.js';
import type { ChoicesShownAs, Controller, ConvState, EngineConfig, EngineOutput, InboundEvent, UnitInfo } from '../../src/survey/types.js';
import { translate } from '../../src/i18n/index.js';

export const UNITS: UnitInfo[] = [
  {
    id: 1,
    code: 'DUKCAPIL',
    name: 'Disdukcapil',
    agencyName: 'MPP Demo',
    agencyCode: 'MPP-DEMO',
    timeZone: 'Asia/Jakarta',
    questionnaireKey: 'default',
    serviceTypes: [
      { id: 11, name: 'KTP-el' },
      { id: 12, name: 'Kartu Keluarga' },
    ],
  },
  {
    id: 2,
    code: 'SAMSAT',
    name: 'Samsat',
    agencyName: 'MPP Demo',
    agencyCode: 'MPP-DEMO',
    timeZone: 'Asia/Jayapura',
    questionnaireKey: 'default',
    serviceTypes: [],
  },
];

/** A unit of another agency (not in the list offered to citizens). */
export const OTHER_AGENCY_UNIT: UnitInfo = {
  id: 3,
  code: 'RSUD',
  name: 'RSUD Kota',
  agencyName: 'Dinas Kesehatan',
  agencyCode: 'DINKES',
  timeZone: 'Asia/Jakarta',
  questionnaireKey: 'default',
  serviceTypes: [],
};

/** The agencies as the catalog gives them to the notice. */
export const CONTROLLERS: Controller[] = [
  {
    code: 'MPP-DEMO',
    name: 'Mal Pelayanan Publik Kota Demo',
    contactEmail: 'ppid@demo.go.id',
    contactPhone: '0542-123456',
    contactAddress: 'Jl. Jenderal Sudirman No. 1, Kota Demo',
  },
  { code: 'DINKES', name: 'Dinas Kesehatan', contactEmail: null, contactPhone: null, contactAddress: null },
];

export const QUESTIONNAIRE: Questionnaire = { id: 7, version: 1, definition: DEFAULT_QUESTIONNAIRE };

export const CONFIG: EngineConfig = {
  expiryMinutes: 30,
  responseWindow: { kind: 'day' },
  consentVersion: 'c1',
  noticeEdition: { number: 1, month: '2026-12' },
  retentionDays: 365,
  unitListMax: 10,
  suggestionMaxLength: 1000,
};

export class EngineDriver {
  state: ConvState = initialState('id');
  now = new Date('2026-11-23T02:00:00Z');
  lastResponseAt: Date | null = null;
  listUnits = true;
  config: EngineConfig = CONFIG;
  choicesAs: ChoicesShownAs = 'buttons';
  units: UnitInfo[] = UNITS;
  controllers: Controller[] = CONTROLLERS;
  /** The questionnaire new surveys start on; a draft keeps the one it started on (by id). */
  questionnaire: Questionnaire = QUESTIONNAIRE;
  questionnaires: Questionnaire[] = [QUESTIONNAIRE];
  outputs: EngineOutput[] = [];
  private sessions = 0;

  send(event: InboundEvent): EngineOutput {
    const choices = this.listUnits ? this.units.map((u) => ({ code: u.code, name: u.name })) : [];
    const wanted = unitCodeWanted(this.state, event, choices);
    const eventUnit = wanted ? ([...this.units, OTHER_AGENCY_UNIT].find((u) => u.code === wanted) ?? null) : null;
    const out = step(this.state, event, {
      now: this.now,
      choicesAs: this.choicesAs,
      config: this.config,
      t: translate,
      currentQuestionnaire: this.questionnaire,
      draftQuestionnaire: this.draftQuestionnaire(),
      eventUnit,
      controller: this.controllerFor(eventUnit),
      unitChoices: choices,
      lastResponseAt: this.lastResponseAt,
      newSessionId: () => `session-${++this.sessions}`,
    });
    this.state = out.state;
    this.outputs.push(out);
    return out;
  }

  /** As the service resolves it: the unit's agency, the survey's, the one consented to, else the only one. */
  private controllerFor(eventUnit: UnitInfo | null): Controller | null {
    const code = eventUnit?.agencyCode || this.state.survey?.unit.agencyCode || this.state.consent?.agency || null;
    if (code) return this.controllers.find((c) => c.code === code) ?? null;
    return this.controllers.length === 1 ? this.controllers[0]! : null;
  }

  /** As the service loads it: the questionnaire the survey in progress started on. */
  private draftQuestionnaire(): Questionnaire | null {
    const survey = this.state.survey;
    if (!survey) return null;
    return [...this.questionnaires, this.questionnaire].find((q) => q.id === survey.questionnaireId) ?? null;
  }

  text(text: string): EngineOutput {
    return this.send({ kind: 'text', text });
  }

  command(command: string, arg = ''): EngineOutput {
    return this.send({ kind: 'command', command, arg });
  }

  /** Taps the button labelled `label` (or at index) on the last message that had buttons. */
  tap(which: string | number, from?: EngineOutput): EngineOutput {
    const token = this.token(which, from);
    return this.send({ kind: 'choice', token });
  }

  token(which: string | number, from?: EngineOutput): string {
    const source = from ?? [...this.outputs].reverse().find((o) => o.messages.some((m) => m.choices));
    const message = [...(source?.messages ?? [])].reverse().find((m) => m.choices);
    const buttons = (message?.choices ?? []).flat();
    const button = typeof which === 'number' ? buttons[which] : buttons.find((b) => b.label === which);
    if (!button) throw new Error(`No button ${String(which)} in ${JSON.stringify(buttons.map((b) => b.label))}`);
    return button.token;
  }

  lastText(): string {
    const out = this.outputs[this.outputs.length - 1];
    return (out?.messages ?? []).map((m) => m.text).join('\n---\n');
  }

  /** Deep link, consent, service type, skip profile, nine answers, maladmin all "no", skip suggestion. */
  completeSurvey(unit = 'DUKCAPIL', answers = [4, 3, 3, 2, 4, 4, 4, 3, 3]): EngineOutput {
    this.command('start', `u_${unit}`);
    if (this.state.step.kind === 'consent') this.tap(0);
    if (this.state.step.kind === 'service_type') this.tap(0);
    this.tap(1); // skip profile
    for (const a of answers) this.tap(a - 1);
    while (this.state.step.kind === 'maladmin') this.tap(1);
    return this.tap(0); // skip suggestion
  }
}
