import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements. */
export const papers: readonly PaperRef[] = [{ title: 'Code-switching restore', arxiv: '2204.07834' }];

export { parseMo, encodeMo } from './mo.js';
export type { MoMessage } from './mo.js';
export { decodeDictdNumber, encodeDictdNumber, parseDictdIndex, freedictTranslations, readDictd, loadFreeDict } from './dictd.js';
export type { DictdIndexEntry, BilingualDictionary } from './dictd.js';
export { buildGettextCorpus, cleanMessage, splitByMessage, directionPairs } from './gettext_corpus.js';
export type { MultiParallelMessage, GettextCorpusOptions, CorpusSplit, SentencePair } from './gettext_corpus.js';
export { loadParallelText } from './parallel_text.js';
export { BpeTokenizer, trainBpe, langToken, WORD_START, SPECIAL_TOKENS, PAD_ID, BOS_ID, EOS_ID, UNK_ID, MASK_ID } from './bpe.js';
export type { BpeTrainOptions } from './bpe.js';
export { tokenize13a, corpusBleu } from './bleu.js';
export type { BleuOptions, BleuScore, BleuSmoothing } from './bleu.js';
export { corpusChrf } from './chrf.js';
export type { ChrfOptions } from './chrf.js';
export { lowFrequencyAccuracy } from './lowfreq.js';
export { Transformer, DEFAULT_TRANSFORMER } from './transformer.js';
export type { TransformerConfig, TransformerParams } from './transformer.js';
export { labelSmoothedCrossEntropy } from './label_smoothing.js';
export { warmupDecay } from './schedule.js';
export type { WarmupDecaySchedule } from './schedule.js';
export { beamSearch } from './beam_search.js';
export type { BeamSearchOptions, NextTokenLogProbs, Hypothesis } from './beam_search.js';
export { makeBatch, encoderInput, lengthBatches, trainSeq2Seq, greedyDecode, beamDecode, meanRepresentation } from './seq2seq.js';
export type { Seq2SeqExample, Seq2SeqTensors, TrainSeq2SeqOptions } from './seq2seq.js';
export { saveCheckpoint, loadCheckpoint, loadCheckpointInto, copyWeights } from './checkpoint.js';
export { mbartNoise, MBART_DENOISING } from './denoising.js';
export type { DenoisingConfig, NoisedDocument } from './denoising.js';
export { codeSwitch, splitPunctuation, CSR_CODE_SWITCH } from './code_switch.js';
export type { CodeSwitchConfig, CodeSwitchedSentence } from './code_switch.js';
export { induceDictionary, mergeDictionaries, invertDictionary } from './dictionary_induction.js';
export type { InductionOptions } from './dictionary_induction.js';
