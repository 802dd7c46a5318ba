import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, silentProgress, tf } from '@proj/core';
import { encodeMo } from '@proj/nlg';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUICK, runNlgCsr } from '../src/experiments/nlg_csr.js';

beforeAll(async () => {
  await initBackend();
});

/** A tiny locale tree: templated messages with German and French translations. */
function fakeLocale(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlg-demo-'));
  const objects = [
    ['file', 'Datei', 'fichier'],
    ['window', 'Fenster', 'fenêtre'],
    ['folder', 'Ordner', 'dossier'],
    ['printer', 'Drucker', 'imprimante'],
    ['page', 'Seite', 'page'],
    ['message', 'Nachricht', 'message'],
  ];
  const verbs = [
    ['Open', 'öffnen', 'Ouvrir'],
    ['Close', 'schließen', 'Fermer'],
    ['Save', 'speichern', 'Enregistrer'],
    ['Delete', 'löschen', 'Supprimer'],
  ];
  const de: { msgid: string; msgstr: string }[] = [];
  const fr: { msgid: string; msgstr: string }[] = [];
  for (const [o, od, of] of objects) {
    for (const [v, vd, vf] of verbs) {
      for (const [adj, ad, af] of [['', '', ''], ['new ', 'neue ', ' nouveau']]) {
        de.push({ msgid: `${v} the ${adj}${o}`, msgstr: `${ad}${od} ${vd}`.trim() });
        fr.push({ msgid: `${v} the ${adj}${o}`, msgstr: `${vf} le ${of}${af}` });
      }
    }
  }
  for (const [lang, msgs] of [['de', de], ['fr', fr]] as const) {
    mkdirSync(join(dir, lang, 'LC_MESSAGES'), { recursive: true });
    writeFileSync(join(dir, lang, 'LC_MESSAGES', 'app.mo'), encodeMo(msgs));
  }
  return dir;
}

describe('nlg-csr experiment', () => {
  it('runs pretraining, baseline and CSR fine-tuning at a tiny size with finite metrics and no tensor leak', { timeout: 300_000 }, async () => {
    const dir = fakeLocale();
    const before = tf.memory().numTensors;
    const r = await runNlgCsr(
      { quick: true, seed: 1, reporter: silentProgress, log: () => {}, options: {} },
      {
        ...QUICK,
        vocabSize: 120,
        dModel: 32,
        layers: 1,
        batchSize: 16,
        pretrainSteps: 4,
        csrSteps: 4,
        finetuneSteps: 4,
        testSize: 8,
        localeDir: dir,
        freedictDir: join(dir, 'no-dictd'),
      },
    );
    expect(tf.memory().numTensors).toBe(before);
    for (const k of ['bleu_baseline', 'bleu_csr', 'chrf_baseline', 'chrf_csr', 'lowfreq_acc_baseline', 'lowfreq_acc_csr']) {
      expect(Number.isFinite(r.metrics[k]), k).toBe(true);
    }
    expect(r.metrics.test_pairs).toBe(8);
    expect(r.curves?.pretrain_loss.length).toBeGreaterThan(0);
  });
});
