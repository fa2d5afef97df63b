import { describe, expect, it } from 'vitest';
import { ageBand, unitCodeFrom } from '../../src/survey/engine.js';
import { EngineDriver } from '../support/engine-fixture.js';

function saved(driver: EngineDriver) {
  return driver.outputs.flatMap((o) => o.effects).filter((e) => e.kind === 'saveResponse');
}

describe('conversation engine: the whole survey', () => {
  it('walks a citizen from the deep link through consent, service, profile, U1–U9, maladministration and suggestion', () => {
    const d = new EngineDriver();
    let out = d.command('start', 'u_DUKCAPIL');
    expect(out.messages[0]!.text).toContain('Disdukcapil');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'DUKCAPIL', full: false });
    expect(d.lastText()).toContain('UU 27/2022');

    out = d.tap('Saya setuju');
    expect(out.effects).toEqual([{ kind: 'recordConsent', textVersion: 'c1', agencyCode: 'MPP-DEMO', locale: 'id' }]);
    expect(d.state.step).toEqual({ kind: 'service_type' });
    expect(out.editSource).toContain('✅ Saya setuju');

    d.tap('Kartu Keluarga');
    expect(d.state.survey?.serviceTypeId).toBe(12);
    d.tap('Isi profil');
    d.tap('Perempuan');
    d.tap('30–39 tahun');
    d.tap('D4/S1');
    d.tap('Wirausaha');
    expect(d.state.survey?.profile).toEqual({ gender: 'P', ageBand: '30-39', education: 'D4/S1', occupation: 'Wirausaha' });

    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
    expect(d.lastText()).toContain('Pertanyaan 1/9 · Persyaratan');
    const labels = d.outputs
      .at(-1)!
      .messages.at(-1)!
      .choices!.flat()
      .map((c) => c.label);
    expect(labels).toEqual(['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai']);

    const answers = [4, 3, 3, 2, 4, 4, 4, 3, 3];
    answers.forEach((a, i) => {
      expect(d.state.step).toEqual({ kind: 'question', index: i });
      d.tap(a - 1);
    });
    expect(d.state.step).toEqual({ kind: 'maladmin', index: 0 });
    expect(d.lastText()).toContain('pertanyaan ya/tidak tentang pungutan liar, calo, atau penyimpangan pelayanan');
    d.tap('Ya'); // imbalan
    for (let i = 1; i < 5; i++) d.tap('Tidak');
    expect(d.state.step).toEqual({ kind: 'suggestion' });

    out = d.text('Antrean perlu nomor digital.');
    expect(out.effects).toHaveLength(1);
    const effect = out.effects[0]!;
    expect(effect.kind).toBe('saveResponse');
    if (effect.kind !== 'saveResponse') return;
    expect(effect.response).toMatchObject({
      sessionId: 'session-1',
      unitId: 1,
      serviceTypeId: 12,
      questionnaireId: 7,
      answers,
      maladmin: { imbalan: true, calo: false, penundaan: false, diskriminasi: false, prosedur: false },
      profile: { gender: 'P', ageBand: '30-39', education: 'D4/S1', occupation: 'Wirausaha' },
      suggestion: 'Antrean perlu nomor digital.',
      locale: 'id',
    });
    expect(d.lastText()).toContain('Terima kasih');
    expect(d.lastText()).toContain('tanpa identitas');
    expect(d.state.step).toEqual({ kind: 'idle' });
    expect(d.state.survey).toBeNull();
  });

  it('asks U8 about facilities and U9 about complaint handling, in that order', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    for (let i = 0; i < 7; i++) d.tap(3);
    expect(d.lastText()).toContain('Sarana dan prasarana');
    d.tap(3);
    expect(d.lastText()).toContain('Penanganan pengaduan');
  });

  it('skips the service-type question for a unit without service types', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    expect(d.state.step).toEqual({ kind: 'profile_offer' });
  });

  it('accepts typed numbers and label text as answers (terminal and WhatsApp style)', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    d.text('1'); // consent: agree
    d.text('kartu keluarga');
    d.text('2'); // skip profile
    d.text('4');
    expect(d.state.survey?.answers).toEqual([4]);
    d.text('  Kurang mudah ');
    expect(d.state.survey?.answers).toEqual([4, 2]);
  });

  it('takes an age typed in years and stores its band', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap('Isi profil');
    d.tap('Lewati');
    d.text('47');
    expect(d.state.survey?.profile.ageBand).toBe('40-49');
    expect(ageBand(19)).toBe('<20');
    expect(ageBand(60)).toBe('60+');
    expect(ageBand(5)).toBeNull();
  });

  it('every profile item can be skipped', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap('Isi profil');
    for (let i = 0; i < 4; i++) d.tap('Lewati');
    expect(d.state.survey?.profile).toEqual({});
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
  });

  it('speaks English after /bahasa and keeps the current question', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.command('bahasa');
    d.tap('English');
    expect(d.state.locale).toBe('en');
    expect(d.lastText()).toContain('Question 1/9 · Requirements');
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
  });
});

describe('conversation engine: starting without a code', () => {
  it('asks for the unit code and lists the units when there are few', () => {
    const d = new EngineDriver();
    const out = d.command('start');
    expect(d.state.step).toEqual({ kind: 'await_unit' });
    const labels = out.messages
      .at(-1)!
      .choices!.flat()
      .map((c) => c.label);
    expect(labels).toEqual(['Disdukcapil (DUKCAPIL)', 'Samsat (SAMSAT)']);
    d.tap(1);
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
  });

  it('takes a typed code in any case, or the number of a listed unit', () => {
    const d = new EngineDriver();
    d.command('start');
    d.text('samsat');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: false });
    const e = new EngineDriver();
    e.command('start');
    e.text('1');
    expect(e.state.step).toEqual({ kind: 'consent', unitCode: 'DUKCAPIL', full: false });
  });

  it('answers an unknown code politely and asks again', () => {
    const d = new EngineDriver();
    d.listUnits = false;
    d.command('start');
    const out = d.text('NOPE');
    expect(out.messages[0]!.text).toContain('"NOPE" tidak kami temukan');
    expect(d.state.step).toEqual({ kind: 'await_unit' });
    const deep = new EngineDriver();
    deep.command('start', 'u_GHOST');
    expect(deep.lastText()).toContain('tidak kami temukan');
    expect(deep.state.step).toEqual({ kind: 'await_unit' });
  });

  it('rejects deep-link payloads that are not unit codes', () => {
    expect(unitCodeFrom('u_DUKCAPIL')).toBe('DUKCAPIL');
    expect(unitCodeFrom('u_dukcapil')).toBe('DUKCAPIL');
    expect(unitCodeFrom('u_A'.padEnd(30, 'X'))).toBeNull();
    expect(unitCodeFrom("u_'; DROP")).toBeNull();
  });
});

describe('conversation engine: consent', () => {
  it('stores nothing and ends politely when consent is declined', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    const out = d.tap('Saya tidak setuju');
    expect(out.effects).toEqual([]);
    expect(d.state.consent).toBeNull();
    expect(d.state.survey).toBeNull();
    expect(d.lastText()).toContain('tidak ada data penilaian yang kami simpan');
  });

  it('does not ask again for a chat that consented to the same text version', () => {
    const d = new EngineDriver();
    d.completeSurvey('SAMSAT', [4, 4, 4, 4, 4, 4, 4, 4, 4]);
    d.command('start', 'u_DUKCAPIL');
    expect(d.state.step).toEqual({ kind: 'service_type' });
  });

  it('asks again when the consent text changed', () => {
    const d = new EngineDriver();
    d.completeSurvey('SAMSAT');
    d.config = { ...d.config, consentVersion: 'c2' };
    d.command('start', 'u_DUKCAPIL');
    expect(d.state.step.kind).toBe('consent');
  });

  it('/privasi shows the notice again and repeats the current question', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    const out = d.command('privasi');
    expect(out.messages[0]!.text).toContain('Dasar hukum');
    expect(out.messages[0]!.text).toContain('365 hari');
    expect(out.messages[1]!.text).toContain('Pertanyaan 1/9');
  });
});

describe('conversation engine: the privacy notice', () => {
  const FULL_ID = [
    'Pemberitahuan pelindungan data pribadi (versi 1, Desember 2026)',
    'Pengendali data: Mal Pelayanan Publik Kota Demo. Kontak: ppid@demo.go.id · 0542-123456 · Jl. Jenderal Sudirman No. 1, Kota Demo.',
    'PermenPANRB No. 14 Tahun 2017',
    'persetujuan Bapak/Ibu (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, pasal 20)',
    'kode acak pengganti akun Telegram/WhatsApp Bapak/Ibu, bukan nomor telepon',
    'paling lama 365 hari',
    'nilai penilaian tetap disimpan tanpa kode sebagai data anonim',
    'ketik /privasi',
    'meminta salinan data',
    'memperbaiki jawaban: ketik /ulang',
    'menghapus data dan menarik persetujuan: ketik /hapusdata',
    'menolak pemrosesan',
    'mengadu: kepada kontak di atas, atau melalui SP4N-LAPOR!',
  ];
  const FULL_EN = [
    'Personal data protection notice (version 1, December 2026)',
    'Data controller: Mal Pelayanan Publik Kota Demo. Contact: ppid@demo.go.id · 0542-123456 · Jl. Jenderal Sudirman No. 1, Kota Demo.',
    'PermenPANRB No. 14 of 2017',
    'your consent (Law No. 27 of 2022 on Personal Data Protection, article 20)',
    'a random code in place of your Telegram/WhatsApp account, not your phone number',
    'at most 365 days',
    'the scores are kept without the code as anonymous data',
    'type /privasi',
    'ask for a copy of your data',
    'correct your answers: type /ulang',
    'erase your data and withdraw consent: type /hapusdata',
    'object to the processing',
    'complain: to the contact above, or through SP4N-LAPOR!',
  ];

  it('before consent: three short lines naming the agency, the law and /hapusdata, with Selengkapnya as a third choice', () => {
    const d = new EngineDriver();
    const out = d.command('start', 'u_DUKCAPIL');
    const prompt = out.messages.at(-1)!;
    const [summary, question] = prompt.text.split('\n\n');
    expect(summary!.split('\n')).toHaveLength(3);
    expect(summary).toContain('Mal Pelayanan Publik Kota Demo');
    expect(summary).toContain('UU 27/2022');
    expect(summary).toContain('/hapusdata');
    expect(summary).toContain('versi 1, Desember 2026');
    expect(summary).not.toMatch(/[0-9a-f]{10}/); // never the hash
    expect(question).toBe('Apakah Bapak/Ibu menyetujui pemrosesan data tersebut?');
    expect(prompt.choices!.flat().map((c) => c.label)).toEqual(['Saya setuju', 'Saya tidak setuju', 'Selengkapnya']);
  });

  it('Selengkapnya shows the whole notice, then asks again without the summary; consenting then goes on', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    const out = d.tap('Selengkapnya');
    const full = out.messages[0]!.text;
    for (const part of FULL_ID) expect(full).toContain(part);
    expect(out.messages[1]!.text).toBe('Apakah Bapak/Ibu menyetujui pemrosesan data tersebut?');
    expect(out.messages[1]!.choices!.flat().map((c) => c.label)).toEqual(['Saya setuju', 'Saya tidak setuju']);
    expect(out.effects).toEqual([]);
    expect(d.state.consent).toBeNull();
    d.tap('Saya setuju');
    expect(d.state.step).toEqual({ kind: 'service_type' });
    expect(d.state.consent?.agency).toBe('MPP-DEMO');
  });

  it('on text channels the number 3 asks for the whole notice', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    const out = d.text('3');
    expect(out.messages[0]!.text).toContain('Pengendali data: Mal Pelayanan Publik Kota Demo');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'SAMSAT', full: true });
    d.text('1');
    expect(d.state.step).toEqual({ kind: 'profile_offer' });
  });

  it('/privasi shows the whole notice in English too, with the contact and every right', () => {
    const d = new EngineDriver();
    d.command('bahasa', 'en');
    d.command('start', 'u_SAMSAT');
    const summary = d.lastText();
    expect(summary).toContain('Mal Pelayanan Publik Kota Demo processes your answers');
    expect(summary).toContain('version 1, December 2026');
    d.tap('I agree');
    const full = d.command('privasi').messages[0]!.text;
    for (const part of FULL_EN) expect(full).toContain(part);
  });

  it('an agency without contact details sends people to the counter, never an empty contact', () => {
    const d = new EngineDriver();
    d.command('start', 'u_RSUD');
    d.tap('Selengkapnya');
    expect(d.lastText()).toContain('Pengendali data: Dinas Kesehatan. Kontak: tanyakan kepada petugas di loket pelayanan.');
  });

  it('consent given for one agency is asked again for a unit of another agency', () => {
    const d = new EngineDriver();
    d.completeSurvey('SAMSAT');
    d.command('start', 'u_RSUD');
    expect(d.state.step).toEqual({ kind: 'consent', unitCode: 'RSUD', full: false });
    expect(d.lastText()).toContain('Dinas Kesehatan mengelola jawaban');
    // Back at the first agency, the earlier consent still holds only for the agency last agreed to.
    d.tap('Saya setuju');
    expect(d.state.consent?.agency).toBe('DINKES');
  });

  it('/privasi before any unit, with several agencies, says whose notice it is without naming a wrong one', () => {
    const d = new EngineDriver();
    const text = d.command('privasi').messages[0]!.text;
    expect(text).toContain('Pengendali data: instansi pemilik unit layanan yang Bapak/Ibu nilai');
    expect(text).not.toContain('Mal Pelayanan Publik Kota Demo');
  });
});

describe('conversation engine: bad input', () => {
  function atQuestion(): EngineDriver {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    return d;
  }

  it('re-asks the question when text comes where a choice is expected', () => {
    const d = atQuestion();
    const out = d.text('bagus sekali pelayanannya');
    expect(out.messages[0]!.text).toContain('tidak kami kenali');
    expect(out.messages[1]!.text).toContain('Pertanyaan 1/9');
    expect(d.state.survey?.answers).toEqual([]);
    expect(d.text('5').messages[0]!.text).toContain('1–4');
    expect(d.text('0').messages[0]!.text).toContain('tidak kami kenali');
  });

  it('re-asks after a sticker or photo', () => {
    const d = atQuestion();
    const out = d.send({ kind: 'unsupported', what: 'sticker' });
    expect(out.messages[0]!.text).toContain('hanya dapat membaca pesan teks');
    expect(out.messages[1]!.text).toContain('Pertanyaan 1/9');
  });

  it('re-asks after an unknown command', () => {
    const d = atQuestion();
    const out = d.command('hack', 'now');
    expect(out.messages[0]!.text).toContain('/hack tidak dikenal');
    expect(out.messages[1]!.text).toContain('Pertanyaan 1/9');
  });

  it('re-asks after a very long message', () => {
    const d = atQuestion();
    const out = d.text('x'.repeat(5000));
    expect(out.messages[1]!.text).toContain('Pertanyaan 1/9');
    expect(d.state.survey?.answers).toEqual([]);
  });

  it('refuses an over-long suggestion and keeps waiting for one', () => {
    const d = atQuestion();
    for (let i = 0; i < 9; i++) d.tap(2);
    for (let i = 0; i < 5; i++) d.tap('Tidak');
    const out = d.text('a'.repeat(1001));
    expect(out.effects).toEqual([]);
    expect(out.messages[0]!.text).toContain('1001 karakter');
    expect(d.state.step).toEqual({ kind: 'suggestion' });
    expect(d.text('Lewati').effects[0]?.kind).toBe('saveResponse');
  });

  it('a tap on a button of an earlier, answered question changes nothing', () => {
    const d = atQuestion();
    const q1 = d.outputs.at(-1)!;
    d.tap(3, q1);
    const before = structuredClone(d.state);
    const out = d.tap(0, q1);
    expect(out.notice).toBe('Pertanyaan ini sudah dijawab.');
    expect(out.messages).toEqual([]);
    expect(out.effects).toEqual([]);
    expect({ ...d.state, lastActivityAt: null }).toEqual({ ...before, lastActivityAt: null });
  });

  it('a forged or garbled button token is answered with a note', () => {
    const d = atQuestion();
    for (const token of ['', 'x', '999:1', `${d.state.seq}:9`, `${d.state.seq}:`]) {
      const out = d.send({ kind: 'choice', token });
      expect(out.notice).toBe('Pertanyaan ini sudah dijawab.');
      expect(out.effects).toEqual([]);
    }
    expect(d.state.survey?.answers).toEqual([]);
  });
});

describe('conversation engine: resume, expiry, cancel, restart', () => {
  it('a citizen who comes back continues where they left off', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.tap(3);
    d.tap(2);
    d.now = new Date(d.now.getTime() + 10 * 60_000);
    const out = d.command('start', 'u_SAMSAT');
    expect(out.messages[0]!.text).toContain('lanjutkan');
    expect(d.lastText()).toContain('Pertanyaan 3/9');
    expect(d.state.survey?.answers).toEqual([4, 3]);
    d.command('start');
    expect(d.lastText()).toContain('Pertanyaan 3/9');
  });

  it('an unfinished survey expires after 30 minutes and its answers are not counted', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.tap(3);
    const q2 = d.outputs.at(-1)!;
    d.now = new Date(d.now.getTime() + 31 * 60_000);
    const out = d.tap(3, q2);
    expect(out.messages[0]!.text).toContain('30 menit');
    expect(out.effects).toEqual([]);
    expect(d.state.survey).toBeNull();
    expect(d.state.step).toEqual({ kind: 'idle' });
    expect(d.state.consent).not.toBeNull();
  });

  it('does not expire at 29 minutes', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.now = new Date(d.now.getTime() + 29 * 60_000);
    d.tap(3);
    expect(d.state.survey?.answers).toEqual([4]);
  });

  it('/batal discards the partial answers', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.tap(3);
    const out = d.command('batal');
    expect(out.messages[0]!.text).toContain('dibatalkan');
    expect(d.state.survey).toBeNull();
    expect(d.command('batal').messages[0]!.text).toContain('Tidak ada penilaian');
  });

  it('/ulang starts the same unit again from the beginning', () => {
    const d = new EngineDriver();
    d.command('start', 'u_DUKCAPIL');
    d.tap(0);
    d.tap(0);
    d.tap(1);
    d.tap(3);
    d.command('ulang');
    expect(d.state.step).toEqual({ kind: 'service_type' });
    expect(d.state.survey?.answers).toEqual([]);
    expect(d.state.survey?.sessionId).toBe('session-2');
  });

  it('a QR code of another unit mid-survey switches to that unit', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.tap(3);
    const out = d.command('start', 'u_DUKCAPIL');
    expect(out.messages[0]!.text).toContain('Samsat yang belum selesai dibatalkan');
    expect(d.state.survey?.unit.code).toBe('DUKCAPIL');
    expect(d.state.survey?.answers).toEqual([]);
  });

  it('/bantuan lists the commands and repeats the question', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    const out = d.command('bantuan');
    expect(out.messages[0]!.text).toContain('/hapusdata');
    expect(out.messages[1]!.text).toContain('Pertanyaan 1/9');
  });
});

describe('conversation engine: one response per chat per unit per day', () => {
  it('tells a second attempt on the same local day when it can rate again', () => {
    const d = new EngineDriver();
    d.lastResponseAt = new Date('2026-11-23T01:00:00Z'); // 08:00 WIB
    d.command('start', 'u_DUKCAPIL');
    d.tap(0);
    expect(d.state.survey).toBeNull();
    expect(d.lastText()).toContain('Bapak/Ibu sudah menilai Disdukcapil hari ini. Terima kasih! Penilaian berikutnya bisa diberikan mulai besok.');
  });

  it('allows a new rating after local midnight in the unit’s time zone', () => {
    const d = new EngineDriver();
    d.lastResponseAt = new Date('2026-11-22T16:30:00Z'); // 23:30 WIB on the 22nd
    d.now = new Date('2026-11-22T17:05:00Z'); // 00:05 WIB on the 23rd
    d.command('start', 'u_DUKCAPIL');
    d.tap(0);
    expect(d.state.survey).not.toBeNull();
  });

  it('uses an hour window when configured, and none when disabled', () => {
    const d = new EngineDriver();
    d.config = { ...d.config, responseWindow: { kind: 'hours', hours: 2 } };
    d.lastResponseAt = new Date(d.now.getTime() - 60 * 60_000);
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    expect(d.state.survey).toBeNull();
    // Not "tomorrow": the hour at which it may rate again, on the unit's clock.
    expect(d.lastText()).toMatch(
      /\nBapak\/Ibu sudah menilai Samsat\. Terima kasih! Penilaian berikutnya bisa diberikan mulai \w+, \d+ November 2026 pukul \d\d\.\d\d WI[BT]A?\.$/,
    );
    const e = new EngineDriver();
    e.config = { ...e.config, responseWindow: { kind: 'none' } };
    e.lastResponseAt = new Date(e.now.getTime() - 60_000);
    e.command('start', 'u_SAMSAT');
    e.tap(0);
    expect(e.state.survey).not.toBeNull();
  });

  it('completing a survey produces exactly one save effect', () => {
    const d = new EngineDriver();
    d.completeSurvey();
    expect(saved(d)).toHaveLength(1);
  });
});

describe('conversation engine: erasing data', () => {
  it('/hapusdata asks first, then erases and withdraws consent', () => {
    const d = new EngineDriver();
    d.completeSurvey('SAMSAT');
    d.command('hapusdata');
    expect(d.state.step.kind).toBe('confirm_erase');
    const out = d.tap('Ya, hapus data saya');
    expect(out.effects).toEqual([{ kind: 'eraseData' }]);
    expect(d.state.consent).toBeNull();
    expect(d.state.survey).toBeNull();
    d.command('start', 'u_DUKCAPIL');
    expect(d.state.step.kind).toBe('consent');
  });

  it('declining the erasure returns to the current question', () => {
    const d = new EngineDriver();
    d.command('start', 'u_SAMSAT');
    d.tap(0);
    d.tap(1);
    d.command('hapusdata');
    const out = d.tap('Tidak jadi');
    expect(out.effects).toEqual([]);
    expect(d.state.step).toEqual({ kind: 'question', index: 0 });
    expect(d.lastText()).toContain('Pertanyaan 1/9');
  });
});
