// The terminal channel: one demo citizen chatting through stdin/stdout. Options are shown
// numbered; a line with the number (or the label's text, or part of it) answers. Reads line by
// line, so a piped script works, and ends at the end of input. With `greet`, it first says what
// this is and opens the chat as `/start` would: the units to rate, numbered (or the survey left
// unfinished last time), so that a newcomer is never left at a bare prompt.
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../../log.js';
import type { SurveyService } from '../../survey/service.js';
import type { Locale, OutMessage, Translate } from '../../survey/types.js';
import { InboundPipeline, type Outlet } from '../pipeline.js';
import { textEvent } from '../text.js';

export interface TerminalOptions {
  service: SurveyService;
  t: Translate;
  log: Logger;
  input: Readable;
  output: Writable;
  chatId?: string;
  /** Show a "> " prompt (interactive terminals only). */
  prompt?: boolean;
  /** Say what this is and open the chat at once (the terminal demo). */
  greet?: boolean;
  defaultLocale: Locale;
}

export function renderPlain(message: OutMessage): string {
  const lines = [message.text];
  let n = 0;
  for (const row of message.choices ?? []) {
    for (const choice of row) {
      n += 1;
      lines.push(`  ${n}. ${choice.label}`);
    }
  }
  return lines.join('\n');
}

/** Runs the chat until the input ends; resolves after the last line has been answered. */
export async function runTerminal(options: TerminalOptions): Promise<void> {
  const { service, output, log } = options;
  const chatId = options.chatId ?? 'terminal-demo';
  const write = (text: string) => output.write(text.endsWith('\n') ? text : `${text}\n`);
  const lines = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  // Whoever read our output has gone (`npm start | head`, a closed terminal): end as at the end of
  // input, so that the embedded PostgreSQL is stopped as usual, rather than crash on EPIPE.
  output.on('error', (error) => {
    log.debug({ err: error }, 'terminal: output closed');
    lines.close();
  });
  const showPrompt = () => {
    if (options.prompt) output.write('> ');
  };
  const pipeline = new InboundPipeline({
    channel: 'terminal',
    choicesAs: 'list',
    service,
    t: options.t,
    log,
    defaultLocale: options.defaultLocale,
    classify: () => 'fault',
  });
  const show = async (messages: OutMessage[]) => {
    for (const message of messages) write(`\n${renderPlain(message)}`);
  };
  const outlet: Outlet = {
    answer: (output) => show(output.messages),
    repeat: show,
    staffReply: async (reply) => show(reply.messages.map((text) => ({ text }))),
    say: async (text) => {
      write(`\n${text}`);
    },
  };
  // Taken before the greeting's turn, so that lines piped meanwhile wait for the loop below.
  const typed = lines[Symbol.asyncIterator]();
  if (options.greet) {
    const locale = options.defaultLocale;
    write(options.t(locale, 'terminal.intro'));
    await pipeline.take({ chatId, updateId: null, event: { kind: 'command', command: 'start', arg: '' } }, outlet);
  }
  showPrompt();
  for await (const line of { [Symbol.asyncIterator]: () => typed }) {
    const text = line.replace(/\r$/, '');
    if (text.trim() !== '') await pipeline.take({ chatId, updateId: null, event: textEvent(text) }, outlet);
    showPrompt();
  }
  if (options.prompt) output.write('\n');
}
