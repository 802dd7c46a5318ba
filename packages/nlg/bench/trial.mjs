// Scratch: BLEU of direct en->de fine-tuning after N updates (no pretraining).
import { initBackend, Rng } from '@proj/core';
import { buildGettextCorpus, splitByMessage, directionPairs, trainBpe, Transformer, PAD_ID, trainSeq2Seq, greedyDecode, corpusBleu, corpusChrf } from '@proj/nlg';
await initBackend();
const [steps = 500, evalEvery = 250, batch = 32, lr = 1e-3, vocab = 2000] = process.argv.slice(2).map(Number);
const t0 = performance.now(); const c0 = process.cpuUsage();
const cpu = () => { const c = process.cpuUsage(c0); return ((c.user + c.system) / 1e6).toFixed(0); };
const rng = new Rng(0);
const rows = buildGettextCorpus({ langs: ['de', 'fr'], maxWords: 8 });
const full = rows.filter((r) => r.translations.de !== undefined && r.translations.fr !== undefined);
const rest = rows.filter((r) => !(r.translations.de !== undefined && r.translations.fr !== undefined));
const split = splitByMessage(full, { valid: 0, test: 200 }, rng.split());
const train = [...split.train, ...rest];
const enDe = directionPairs(train, 'en', 'de');
const test = directionPairs(split.test, 'en', 'de');
const tok = trainBpe([...train.map((r) => r.en), ...train.flatMap((r) => (r.translations.de ? [r.translations.de] : [])), ...train.flatMap((r) => (r.translations.fr ? [r.translations.fr] : []))], { vocabSize: vocab, langs: ['en', 'de', 'fr'] });
const lens = enDe.map((p) => tok.encode(p.src).length);
console.log(`pairs ${enDe.length}, mean src tokens ${(lens.reduce((a, b) => a + b, 0) / lens.length).toFixed(1)}, setup ${cpu()} CPU-s`);
const model = new Transformer({ vocabSize: tok.size, dModel: 128, heads: 4, ffnDim: 512, encoderLayers: 2, decoderLayers: 2, dropout: 0.1, maxLen: 24 }, PAD_ID, rng.split());
const data = enDe.map((p) => ({ source: tok.encode(p.src), target: tok.encode(p.tgt), sourceLang: tok.langId('en'), targetLang: tok.langId('de') }));
for (let done = 0; done < steps; done += evalEvery) {
  const losses = trainSeq2Seq(model, data, { steps: evalEvery, batchSize: batch, lr, warmupSteps: done === 0 ? Math.ceil(evalEvery / 10) : 0, labelSmoothing: 0.1, maxLen: 20, seed: rng.split() });
  const hyps = [];
  for (let i = 0; i < test.length; i += 64) for (const ids of greedyDecode(model, test.slice(i, i + 64).map((p) => tok.encode(p.src)), tok.langId('en'), tok.langId('de'), 20)) hyps.push(tok.decode(ids));
  const refs = [test.map((p) => p.tgt)];
  console.log(`step ${done + evalEvery}: loss ${losses.slice(-20).reduce((a, b) => a + b, 0) / 20}, BLEU ${corpusBleu(hyps, refs).score.toFixed(2)}, chrF ${corpusChrf(hyps, refs).toFixed(2)}, ${cpu()} CPU-s, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log('  e.g.', test[0].src, '=>', hyps[0], '| ref', test[0].tgt);
}
