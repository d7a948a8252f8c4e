// Hints name complete commands: every non-default --db/--inventory is repeated, each word quoted when needed.
import { pathOptions, shellWord, type HintPaths } from '../run/hint.ts';

export function hintCommand(words: string[], paths: HintPaths): string {
  return ['metalbench', ...words, ...pathOptions(paths)].map(shellWord).join(' ');
}
