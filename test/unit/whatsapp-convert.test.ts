// WhatsApp messages to events and engine messages to WhatsApp text, without a socket or database.
import type { WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { fromMessage, isPersonJid, renderMessage, textToEvent } from '../../src/channels/whatsapp/convert.js';
import { normaliseJid } from '../../src/channels/whatsapp/identity.js';
import { translate } from '../../src/i18n/index.js';

const PN = '6281234567890@s.whatsapp.net';
const LID = '123456789012345@lid';

function message(remoteJid: string, content: NonNullable<WAMessage['message']> | null, key: Partial<WAMessage['key']> = {}): WAMessage {
  return { key: { remoteJid, fromMe: false, id: '3EB0ABC', ...key }, message: content };
}

describe('typed text to events', () => {
  it('NILAI <KODE> (the wa.me poster link) is the same event as Telegram’s /start u_<KODE>, in any case, with or without slash', () => {
    for (const text of ['NILAI DUKCAPIL', 'nilai DUKCAPIL', ' Nilai   dukcapil ', '/nilai DUKCAPIL']) {
      const event = textToEvent(text);
      // The code's case is the citizen's; unit codes are matched without case later.
      expect(event.kind === 'command' && { ...event, arg: event.arg.toLowerCase() }).toEqual({
        kind: 'command',
        command: 'start',
        arg: 'u_dukcapil',
      });
    }
    expect(textToEvent('NILAI')).toEqual({ kind: 'command', command: 'start', arg: '' });
    expect(textToEvent('/start u_SAMSAT')).toEqual({ kind: 'command', command: 'start', arg: 'u_SAMSAT' });
  });

  it('the citizen command words work bare or with a slash; with anything after them they stay text', () => {
    for (const word of ['batal', 'ulang', 'bantuan', 'privasi', 'hapusdata']) {
      expect(textToEvent(word.toUpperCase())).toEqual({ kind: 'command', command: word, arg: '' });
      expect(textToEvent(`/${word}`)).toEqual({ kind: 'command', command: word, arg: '' });
      expect(textToEvent(`${word} saja`)).toEqual({ kind: 'text', text: `${word} saja` });
    }
    expect(textToEvent('DAFTAR abcd23efgh')).toEqual({ kind: 'command', command: 'daftar', arg: 'abcd23efgh' });
    expect(textToEvent('bahasa en')).toEqual({ kind: 'command', command: 'bahasa', arg: 'en' });
  });

  it('numbers, labels, unit codes and staff words are plain text for the engine', () => {
    for (const text of ['1', '4', 'Sangat sesuai', 'DUKCAPIL', 'SKOR', 'skor DUKCAPIL', 'Lanjut']) {
      expect(textToEvent(text)).toEqual({ kind: 'text', text });
    }
  });
});

describe('messages to inbound events', () => {
  it('reads plain and extended text, with the alternative identity and the profile name', () => {
    const plain = fromMessage({ ...message(LID, { conversation: 'NILAI DUKCAPIL' }, { remoteJidAlt: PN }), pushName: 'Sari' });
    expect(plain).toMatchObject({
      remoteJid: LID,
      altJid: PN,
      messageId: '3EB0ABC',
      pushName: 'Sari',
      event: { kind: 'command', command: 'start', arg: 'u_DUKCAPIL' },
    });
    const extended = fromMessage(message(PN, { extendedTextMessage: { text: 'skor DUKCAPIL' } }));
    expect(extended).toMatchObject({ event: { kind: 'text', text: 'skor DUKCAPIL' }, word: { command: 'skor', arg: 'DUKCAPIL' }, altJid: undefined });
    // Disappearing messages wrap their content; it is read all the same.
    expect(fromMessage(message(PN, { ephemeralMessage: { message: { conversation: '3' } } }))?.event).toEqual({ kind: 'text', text: '3' });
  });

  it('turns media, stickers, locations and contacts into the unsupported event', () => {
    const cases: [NonNullable<WAMessage['message']>, string][] = [
      [{ stickerMessage: {} }, 'sticker'],
      [{ imageMessage: { caption: '4' } }, 'photo'],
      [{ audioMessage: { ptt: true } }, 'audio'],
      [{ videoMessage: {} }, 'video'],
      [{ documentMessage: {} }, 'document'],
      [{ locationMessage: {} }, 'location'],
      [{ contactMessage: {} }, 'contact'],
      [{ pollCreationMessageV3: {} }, 'poll'],
    ];
    for (const [content, what] of cases) expect(fromMessage(message(PN, content))?.event).toEqual({ kind: 'unsupported', what });
  });

  it('ignores groups, broadcasts, status updates, newsletters, the bot’s own messages, protocol notes and reactions', () => {
    const text = { conversation: 'NILAI DUKCAPIL' };
    expect(fromMessage(message('120363000000000001@g.us', text, { participant: PN }))).toBeNull();
    expect(fromMessage(message('status@broadcast', text, { participant: PN }))).toBeNull();
    expect(fromMessage(message('1234567890@broadcast', text))).toBeNull();
    expect(fromMessage(message('120363000000000002@newsletter', text))).toBeNull();
    expect(fromMessage(message(PN, text, { fromMe: true }))).toBeNull();
    expect(fromMessage(message(PN, { protocolMessage: { type: 0 } }))).toBeNull();
    expect(fromMessage(message(PN, { reactionMessage: { text: '👍' } }))).toBeNull();
    expect(fromMessage(message(PN, null))).toBeNull();
    expect(fromMessage(message(PN, text, { id: null }))).toBeNull();
    // An alternative identity that is not a person is dropped, the message is kept.
    expect(fromMessage(message(PN, text, { remoteJidAlt: 'status@broadcast' }))?.altJid).toBeUndefined();
  });

  it('knows people’s JIDs from the rest', () => {
    expect(isPersonJid(PN)).toBe(true);
    expect(isPersonJid(LID)).toBe(true);
    expect(['status@broadcast', '120363000000000001@g.us', '120363000000000002@newsletter', 'server@c.us'].some(isPersonJid)).toBe(false);
    expect(normaliseJid('6281234567890:12@s.whatsapp.net')).toBe(PN);
    expect(normaliseJid('6281234567890@c.us')).toBe(PN);
  });
});

describe('engine messages as WhatsApp text', () => {
  const choices = (labels: string[]) => [labels.map((label, i) => ({ label, token: `5:${i}` }))];

  it('numbers the choices (all rows) and says how to answer, in the chat’s language', () => {
    const text = renderMessage(
      { text: 'Pertanyaan 1/9', choices: [...choices(['Tidak sesuai', 'Kurang sesuai']), ...choices(['Sesuai', 'Sangat sesuai'])] },
      'id',
      translate,
    );
    expect(text).toBe('Pertanyaan 1/9\n\n1. Tidak sesuai\n2. Kurang sesuai\n3. Sesuai\n4. Sangat sesuai\n\n_Balas dengan angka 1–4._');
    expect(renderMessage({ text: 'Question', choices: choices(['Yes', 'No']) }, 'en', translate)).toMatch(/_Reply with a number 1–2\._$/);
    expect(renderMessage({ text: 'Saran?', choices: choices(['Lewati']) }, 'id', translate)).toBe(
      'Saran?\n\n1. Lewati\n\n_Balas dengan angka 1 untuk memilih._',
    );
    expect(renderMessage({ text: 'Terima kasih.' }, 'id', translate)).toBe('Terima kasih.');
  });
});
