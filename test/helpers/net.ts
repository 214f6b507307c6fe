import fs from 'node:fs';

export { freePort } from '../../scripts/lib/ports';
export { waitFor } from '../../scripts/lib/wait';

/** Pids of the mediasoup worker processes a process has spawned, read from /proc (Linux). */
export function workerPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 2 is the command name (15 chars at most), field 4 the parent pid.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (name.startsWith('mediasoup-worke') && Number(fields[1]) === parentPid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
