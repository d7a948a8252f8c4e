// Paired statistics for `compare` and `detect`: per-round log ratios,
// Hodges–Lehmann estimates with exact signed-rank intervals and p-values,
// FDR and Holm adjustments, practical thresholds, verdicts, confirmation and
// the report's renderings. Pure functions; no I/O.

export { logRatios, roundValue, toRelative, toLog, describeSkipped, type RoundValue, type LogRatios } from './log-ratios.ts';
export { signRankTest, signRankDistribution, psignrank, qsignrank, smallestP, EXACT_MAX_N, type SignRankTest, type SignRankDistribution, type Alternative } from './signrank.ts';
export { hodgesLehmann, walshAverages, criticalOrder, type HodgesLehmann, type ShiftInterval } from './hodges-lehmann.ts';
export { benjaminiHochberg, holm } from './multiplicity.ts';
export { betterDirection, isExactUnit, worseSign, type Better, type UnitMetadata } from './units.ts';
export { judgeExact, type ExactJudgement, type ExactOutcome } from './exact-units.ts';
export { noiseFloor, practicalThreshold, DEFAULT_THRESHOLD, DEFAULT_FLOOR_SESSIONS, DEFAULT_FLOOR_QUANTILE, MIN_FLOOR_SESSIONS, type NoiseFloor, type PracticalThreshold } from './threshold.ts';
export { minimumDetectableEffect, roundsNeeded, hlStandardError, exactnessFloor, logRatioSd, type PowerInputs } from './power.ts';
export { compareRows, analysePaired, decide, rowKey, type PairedInput, type PairedAnalysis, type VerdictRow, type VerdictKind, type VerdictOptions } from './verdict.ts';
export { confirmCandidates, type ConfirmationPair, type ConfirmationRow, type ConfirmationSummary } from './confirm.ts';
export { summarize, REPORT_SCHEMA_VERSION, type CompareReport, type HostReport, type SideIdentity, type Protocol, type Binary, type SessionRecord, type ReportSummary, type WorstRegression } from './report.ts';
export { verdictTable, renderVerdictText } from './render-text.ts';
export { renderMarkdown, headline } from './render-markdown.ts';
export { renderJson, toDocument, REPORT_SCHEMA_ID, type CompareDocument } from './report-json.ts';
export { signedPct, pct, pValue, shellQuote, VERDICT_LABEL } from './format.ts';
export { syntheticSource, resampledSource, falseAlarms, power, benchstatFlags, asvFlags, metalbenchOutcome, type RoundSource, type Session, type NoiseModel, type AaSession, type FalseAlarmResult, type PowerResult, type RateEstimate, type TrialOptions } from './simulate.ts';
export { rng, type Rng } from './random.ts';
export { judgeCanary, type CanaryOutcome } from './canary.ts';
