import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Stagecast } from '../../../server/Stagecast';

export interface StateSnapshot {
  /** Records per collection, and votes. */
  counts: Record<string, number>;
  /** A digest of every record's content: a changed field shows even when no count moves. */
  digest: string;
  sessions: number;
  stages: number;
  sockets: number;
  /** Transports, producers and consumers of every peer session of the node. */
  media: string;
}

/**
 * What clients can change on a node: the records of its SQLite store (read straight from the file)
 * and its live signaling state. The `alerts` collection is left out: the node writes it itself.
 */
export function snapshot(node: Stagecast): StateSnapshot {
  if (!fs.existsSync(node.config.sqlitePath)) throw new Error('snapshot needs the SQLite store');
  const db = new Database(node.config.sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT collection, scope, id, data FROM records WHERE collection != 'alerts' ORDER BY collection, scope, id")
      .all() as { collection: string; scope: string; id: string; data: string }[];
    const votes = db.prepare('SELECT question_id, voter_id FROM votes ORDER BY question_id, voter_id').all() as {
      question_id: string;
      voter_id: string;
    }[];
    const counts: Record<string, number> = { votes: votes.length };
    const hash = createHash('sha256');
    for (const row of rows) {
      counts[row.collection] = (counts[row.collection] ?? 0) + 1;
      hash.update(`${row.collection}\u0000${row.scope}\u0000${row.id}\u0000${row.data}\u0000`);
    }
    for (const vote of votes) hash.update(`${vote.question_id}\u0000${vote.voter_id}\u0000`);
    const peers = node.signaling.peers
      .all()
      .map((s) => `${s.peerId}:${s.media.transportCount}/${s.media.producerCount}/${s.media.consumerCount}`)
      .sort();
    return {
      counts,
      digest: hash.digest('hex'),
      sessions: node.signaling.peers.size,
      stages: node.media.stages.size,
      sockets: node.signaling.connectedSockets,
      media: peers.join(','),
    };
  } finally {
    db.close();
  }
}
