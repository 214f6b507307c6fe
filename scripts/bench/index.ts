// npm run bench -- <name> [options]: runs one benchmark; each prints progress to stderr and a final
// JSON line to stdout.
import { parseArgs } from 'node:util';

const BENCHMARKS: Record<string, () => Promise<{ run(args: string[]): Promise<unknown> }>> = {
  fanout: () => import('./fanout'),
  join: () => import('./join'),
  switch: () => import('./switch'),
  qa: () => import('./qa'),
  health: () => import('./health'),
  memory: () => import('./memory'),
  soak: () => import('./soak'),
  cluster: () => import('./cluster'),
  hls: () => import('./hls'),
  language: () => import('./language'),
  webhooks: () => import('./webhooks'),
  ingest: () => import('./ingest'),
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const load = name ? BENCHMARKS[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]\n`);
    process.exit(2);
  }
  parseArgs({ args: rest, strict: false });
  const result = await (await load()).run(rest);
  process.stdout.write(`${JSON.stringify({ bench: name, ...(result as object) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
