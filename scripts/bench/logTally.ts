/** Warnings and errors a node started by a benchmark logged (its JSON log lines on stdout). */
export interface LogTally {
  warnings: number;
  errors: number;
  /** The last few warning and error messages. */
  recent: string[];
}

/** A stdout listener that reads the node's JSON log lines (warn and above) into `logs`, keeping the last `keep` messages. */
export function tallyLogs(logs: LogTally, keep: number): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let entry: { level?: number; msg?: string; err?: { message?: string } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      const level = entry.level ?? 0;
      if (level < 40) continue;
      if (level >= 50) logs.errors += 1;
      else logs.warnings += 1;
      logs.recent.push(`${level >= 50 ? 'error' : 'warn'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`);
      if (logs.recent.length > keep) logs.recent.shift();
    }
  };
}
