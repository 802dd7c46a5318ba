/**
 * nlg-csr: code-switching restore pre-finetuning (CSR, arXiv:2204.07834) at
 * CPU scale. A small Transformer is pretrained with mBART's multilingual
 * denoising on the English, German and French sides of a gettext corpus, then
 * English->German is fine-tuned (a) directly and (b) after a CSR stage that
 * restores code-switched sentences of the same training data; both are
 * evaluated on the test split (BLEU, chrF, low-frequency word accuracy) and
 * zero-shot on French->German, a direction neither saw.
 */
import { existsSync } from 'node:fs';
import { Rng, type ProgressReporter } from '@proj/core';
import {
  BpeTokenizer,
  buildGettextCorpus,
  codeSwitch,
  copyWeights,
  corpusBleu,
  corpusChrf,
  directionPairs,
  greedyDecode,
  induceDictionary,
  invertDictionary,
  loadFreeDict,
  lowFrequencyAccuracy,
  mbartNoise,
  meanRepresentation,
  mergeDictionaries,
  splitByMessage,
  trainBpe,
  trainSeq2Seq,
  Transformer,
  PAD_ID,
  type BilingualDictionary,
  type MultiParallelMessage,
  type Seq2SeqExample,
  type SentencePair,
} from '@proj/nlg';
import type { CurvePoint, Experiment, ExperimentContext, ExperimentResult } from '../experiment.js';
import { intOption } from '../options.js';

export interface NlgCsrConfig {
  /** Longest message kept, in words. */
  maxWords: number;
  vocabSize: number;
  dModel: number;
  layers: number;
  /** Token positions per sequence (longer ones are cut). */
  maxLen: number;
  batchSize: number;
  pretrainSteps: number;
  csrSteps: number;
  finetuneSteps: number;
  /** Test sentences decoded per direction. */
  testSize: number;
  /** Fine-tuning pairs used (0 = all). */
  trainPairs: number;
  lr: number;
  localeDir?: string;
  freedictDir?: string;
}

/**
 * CI-sized: 1,500 updates (200 denoising, 100 CSR, 2 x 600 fine-tuning),
 * sized from the measured ~0.7 CPU-seconds per update of this model at
 * batch 32 (after @proj/core's Transpose/Softmax/broadcast/gather kernels)
 * so that the whole run stays under 20 minutes of CPU time on 2 cores.
 * The peak learning rate is higher than FULL's to learn in so few updates.
 */
export const QUICK: NlgCsrConfig = {
  maxWords: 8,
  vocabSize: 2000,
  dModel: 128,
  layers: 2,
  maxLen: 20,
  batchSize: 32,
  pretrainSteps: 200,
  csrSteps: 100,
  finetuneSteps: 600,
  testSize: 200,
  trainPairs: 0,
  lr: 2e-3,
};

export const FULL: NlgCsrConfig = {
  ...QUICK,
  maxWords: 12,
  vocabSize: 4000,
  dModel: 192,
  layers: 3,
  maxLen: 28,
  batchSize: 64,
  pretrainSteps: 3000,
  csrSteps: 1500,
  finetuneSteps: 4000,
  testSize: 1000,
  lr: 7e-4,
};

const LANGS = ['en', 'de', 'fr'] as const;

interface Evaluation {
  bleu: number;
  chrf: number;
  lowfreq: number;
  zeroShotBleu: number;
  distance: number;
}

function evaluate(
  model: Transformer,
  tok: BpeTokenizer,
  test: readonly SentencePair[],
  zeroShot: readonly SentencePair[],
  trainTargets: readonly string[],
  cfg: NlgCsrConfig,
): Evaluation {
  const decode = (pairs: readonly SentencePair[], src: string, tgt: string) => {
    const out: string[] = [];
    for (let i = 0; i < pairs.length; i += 64) {
      const chunk = pairs.slice(i, i + 64).map((p) => tok.encode(p.src));
      for (const ids of greedyDecode(model, chunk, tok.langId(src), tok.langId(tgt), cfg.maxLen)) out.push(tok.decode(ids));
    }
    return out;
  };
  const hyps = decode(test, 'en', 'de');
  const refs = test.map((p) => p.tgt);
  const zs = decode(zeroShot, 'fr', 'de');
  // The paper's analysis: distance between the mean sentence representations of the two languages.
  const en = meanRepresentation(model, test.map((p) => tok.encode(p.src)), tok.langId('en'));
  const de = meanRepresentation(model, test.map((p) => tok.encode(p.tgt)), tok.langId('de'));
  const distance = Math.sqrt(en.reduce((s, v, i) => s + (v - de[i]) ** 2, 0));
  return {
    bleu: corpusBleu(hyps, [refs]).score,
    chrf: corpusChrf(hyps, [refs]),
    lowfreq: lowFrequencyAccuracy(hyps, refs, trainTargets).accuracy,
    zeroShotBleu: corpusBleu(zs, [zeroShot.map((p) => p.tgt)]).score,
    distance,
  };
}

/** The FreeDict pair if installed, else an empty dictionary (the induced one then serves alone). */
function freeDict(dir: string, pair: string, log: (m: string) => void): BilingualDictionary {
  const prefix = `${dir}/freedict-${pair}`;
  if (!existsSync(`${prefix}.index`)) {
    log(`nlg-csr: ${prefix}.index not found (Debian package dict-freedict-${pair}); using the induced dictionary only`);
    return new Map();
  }
  return loadFreeDict(prefix);
}

export async function runNlgCsr(ctx: ExperimentContext, cfg: NlgCsrConfig): Promise<ExperimentResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const rng = new Rng(ctx.seed);
  const rows = buildGettextCorpus({ langs: ['de', 'fr'], localeDir: cfg.localeDir, maxWords: cfg.maxWords });
  // The test split holds rows with both German and French, so both directions are scored on the same messages.
  const full = rows.filter((r) => r.translations.de !== undefined && r.translations.fr !== undefined);
  const rest = rows.filter((r) => !(r.translations.de !== undefined && r.translations.fr !== undefined));
  const split = splitByMessage(full, { valid: 0, test: cfg.testSize }, rng.split());
  const train: MultiParallelMessage[] = [...split.train, ...rest];
  let enDe = directionPairs(train, 'en', 'de');
  if (cfg.trainPairs > 0) enDe = enDe.slice(0, cfg.trainPairs);
  const test = directionPairs(split.test, 'en', 'de');
  const zeroShot = directionPairs(split.test, 'fr', 'de');
  ctx.log(`corpus: ${rows.length} messages, ${enDe.length} en-de training pairs, ${test.length} test pairs`);

  const mono: Record<string, string[]> = {
    en: train.map((r) => r.en),
    de: train.flatMap((r) => (r.translations.de ? [r.translations.de] : [])),
    fr: train.flatMap((r) => (r.translations.fr ? [r.translations.fr] : [])),
  };
  const tok = trainBpe(
    LANGS.flatMap((l) => mono[l]),
    { vocabSize: cfg.vocabSize, langs: LANGS },
  );
  ctx.log(`BPE vocabulary of ${tok.size} tokens, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const monoIds = Object.fromEntries(LANGS.map((l) => [l, mono[l].map((s) => tok.encodeWords(s))])) as Record<string, number[][][]>;

  // Stage 0: mBART denoising on 1-2 message documents of each language.
  const denoisingExamples = (): Seq2SeqExample[] =>
    LANGS.flatMap((l) => {
      const sents = monoIds[l];
      const out: Seq2SeqExample[] = [];
      for (let i = 0; i < Math.min(sents.length, 4000); i++) {
        const doc = rng.uniform() < 0.5 ? [sents[rng.int(sents.length)]] : [sents[rng.int(sents.length)], sents[rng.int(sents.length)]];
        const n = mbartNoise(doc, rng);
        out.push({ source: n.source, target: n.target, sourceLang: tok.langId(l), targetLang: tok.langId(l) });
      }
      return out;
    });
  const config = {
    vocabSize: tok.size,
    dModel: cfg.dModel,
    heads: 4,
    ffnDim: 4 * cfg.dModel,
    encoderLayers: cfg.layers,
    decoderLayers: cfg.layers,
    dropout: 0.1,
    maxLen: cfg.maxLen + 4,
  };
  const curves: Record<string, CurvePoint[]> = { pretrain_loss: [], finetune_loss: [], csr_loss: [] };
  const elapsed = () => {
    const cpu = process.cpuUsage(cpu0);
    return `${((performance.now() - t0) / 1000).toFixed(0)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU-s`;
  };
  const record = (name: string, series?: string) => (s: number, loss: number) => {
    if (s % 10 === 0) curves[name].push({ x: s, y: loss, ...(series ? { series } : {}) });
    // A long run shows its progress in the log, so even a run cut short tells how far it got.
    if (s % 100 === 0) ctx.log(`${series ?? name} step ${s}: loss ${loss.toFixed(3)}, ${elapsed()}`);
  };
  const common = { batchSize: cfg.batchSize, lr: cfg.lr, labelSmoothing: 0.1, maxLen: cfg.maxLen, reporter: ctx.reporter as ProgressReporter };
  const pretrained = new Transformer(config, PAD_ID, rng.split());
  const models: Transformer[] = [pretrained];
  try {
    trainSeq2Seq(pretrained, denoisingExamples, { ...common, steps: cfg.pretrainSteps, warmupSteps: Math.ceil(cfg.pretrainSteps / 10), seed: rng.split(), onStep: record('pretrain_loss') });
    ctx.log(`pretrained ${cfg.pretrainSteps} steps, ${elapsed()}`);

    const pairExample = (p: SentencePair): Seq2SeqExample => ({ source: tok.encode(p.src), target: tok.encode(p.tgt), sourceLang: tok.langId('en'), targetLang: tok.langId('de') });
    const finetuneData = enDe.map(pairExample);
    const finetune = (model: Transformer, series: string) =>
      trainSeq2Seq(model, finetuneData, { ...common, steps: cfg.finetuneSteps, warmupSteps: Math.ceil(cfg.finetuneSteps / 10), seed: rng.split(), onStep: record('finetune_loss', series) });

    // (a) Baseline: fine-tune the pretrained model directly.
    const baseline = new Transformer(config, PAD_ID, 0);
    models.push(baseline);
    copyWeights(pretrained, baseline);
    finetune(baseline, 'baseline');
    const trainTargets = enDe.map((p) => p.tgt);
    const b = evaluate(baseline, tok, test, zeroShot, trainTargets, cfg);
    ctx.log(`baseline fine-tuned: BLEU ${b.bleu.toFixed(2)}, chrF ${b.chrf.toFixed(2)}, ${elapsed()}`);

    // (b) CSR: restore code-switched sentences of both sides, then fine-tune.
    const induced = induceDictionary(enDe);
    const enToDe = mergeDictionaries(induced, freeDict(cfg.freedictDir ?? '/usr/share/dictd', 'eng-deu', ctx.log));
    const deToEn = mergeDictionaries(invertDictionary(induced), freeDict(cfg.freedictDir ?? '/usr/share/dictd', 'deu-eng', ctx.log));
    const csrExamples = (): Seq2SeqExample[] =>
      enDe.flatMap((p) => {
        const en = codeSwitch(p.src, enToDe, rng).text;
        const de = codeSwitch(p.tgt, deToEn, rng).text;
        // The language tag is that of the restored sentence.
        return [
          { source: tok.encode(en), target: tok.encode(p.src), sourceLang: tok.langId('en'), targetLang: tok.langId('en') },
          { source: tok.encode(de), target: tok.encode(p.tgt), sourceLang: tok.langId('de'), targetLang: tok.langId('de') },
        ];
      });
    const csr = new Transformer(config, PAD_ID, 0);
    models.push(csr);
    copyWeights(pretrained, csr);
    trainSeq2Seq(csr, csrExamples, { ...common, steps: cfg.csrSteps, warmupSteps: Math.ceil(cfg.csrSteps / 10), seed: rng.split(), onStep: record('csr_loss') });
    finetune(csr, 'csr');
    ctx.log(`CSR + fine-tuned, ${elapsed()}`);

    const c = evaluate(csr, tok, test, zeroShot, trainTargets, cfg);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      metrics: {
        bleu_baseline: b.bleu,
        bleu_csr: c.bleu,
        chrf_baseline: b.chrf,
        chrf_csr: c.chrf,
        lowfreq_acc_baseline: b.lowfreq,
        lowfreq_acc_csr: c.lowfreq,
        zeroshot_fr_de_bleu_baseline: b.zeroShotBleu,
        zeroshot_fr_de_bleu_csr: c.zeroShotBleu,
        repr_distance_en_de_baseline: b.distance,
        repr_distance_en_de_csr: c.distance,
        train_pairs: enDe.length,
        test_pairs: test.length,
        vocab_size: tok.size,
        seconds: Math.round(seconds),
        // CPU time of this process: on a shared machine, a better guide than wall time to the run's idle duration.
        cpu_seconds: Math.round((cpu.user + cpu.system) / 1e6),
      },
      curves,
      axes: {
        pretrain_loss: { x: 'step', y: 'label-smoothed CE (denoising)' },
        csr_loss: { x: 'step', y: 'label-smoothed CE (code-switching restore)' },
        finetune_loss: { x: 'step', y: 'label-smoothed CE (en-de)' },
      },
      notes: [
        `Corpus: gettext catalogs under ${cfg.localeDir ?? '/usr/share/locale'} (en, de, fr), messages of at most ${cfg.maxWords} words, split by English message; test = ${test.length} messages translated into both de and fr.`,
        `Model: pre-norm Transformer d=${cfg.dModel}, ${cfg.layers}+${cfg.layers} layers, shared ${tok.size}-token BPE vocabulary; steps: denoising ${cfg.pretrainSteps}, CSR ${cfg.csrSteps}, fine-tuning ${cfg.finetuneSteps} (batch ${cfg.batchSize}).`,
        'BLEU/chrF: sacreBLEU conventions (13a, no smoothing; chrF2), greedy decoding. Zero-shot: fr->de with models fine-tuned only on en->de.',
        'lowfreq_acc: share of reference words seen at most 5 times in the training targets that the hypothesis contains.',
      ],
    };
  } finally {
    for (const m of models) m.dispose();
  }
}

export const nlgCsr: Experiment = {
  name: 'nlg-csr',
  package: '@proj/nlg',
  description: 'Code-switching restore vs plain fine-tuning of a denoising-pretrained seq2seq model (en-de, zero-shot fr-de, gettext corpus)',
  options: {
    'pretrain-steps': { type: 'string', description: 'denoising pretraining steps (default: 200 quick, 3000 full)' },
    'csr-steps': { type: 'string', description: 'code-switching restore steps before fine-tuning (default: 100 quick, 1500 full)' },
    'finetune-steps': { type: 'string', description: 'en-de fine-tuning steps per model (default: 600 quick, 4000 full)' },
    'test-size': { type: 'string', description: 'test messages decoded per direction (default: 200 quick, 1000 full)' },
  },
  async run(ctx) {
    const base = ctx.quick ? QUICK : FULL;
    return runNlgCsr(ctx, {
      ...base,
      pretrainSteps: intOption(ctx.options, 'pretrain-steps', base.pretrainSteps, 1),
      csrSteps: intOption(ctx.options, 'csr-steps', base.csrSteps, 1),
      finetuneSteps: intOption(ctx.options, 'finetune-steps', base.finetuneSteps, 1),
      testSize: intOption(ctx.options, 'test-size', base.testSize, 1),
    });
  },
};
