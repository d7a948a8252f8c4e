export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`metalbench ${argv.join(' ')}\n`);
  return 0;
}
