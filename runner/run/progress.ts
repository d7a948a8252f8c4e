/** One status line per job on a terminal; silent when stderr is not a TTY. */
export class Progress {
  private lastLen = 0;
  constructor(
    private readonly out: NodeJS.WriteStream | NodeJS.WritableStream,
    private readonly enabled: boolean,
  ) {}

  show(text: string): void {
    if (!this.enabled) return;
    const cols = (this.out as NodeJS.WriteStream).columns ?? 100;
    const line = text.length > cols - 1 ? `${text.slice(0, cols - 2)}…` : text;
    this.out.write(`\r${line}${' '.repeat(Math.max(0, this.lastLen - line.length))}`);
    this.lastLen = line.length;
  }

  /** Print a line that stays (a failure), keeping the status line below it. */
  log(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  clear(): void {
    if (!this.enabled || this.lastLen === 0) return;
    this.out.write(`\r${' '.repeat(this.lastLen)}\r`);
    this.lastLen = 0;
  }
}
