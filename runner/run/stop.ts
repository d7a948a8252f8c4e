/**
 * Exit codes of the run-like commands, and RunStop: a phase that cannot go
 * on throws it with the lines to print and the code to exit with; the
 * command prints them once, after releasing every host and the database.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED_CHECK = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_PARTIAL = 3;

export class RunStop extends Error {
  override name = 'RunStop';
  constructor(
    readonly code: number,
    readonly lines: readonly string[],
  ) {
    super(lines.join('\n'));
  }
}
