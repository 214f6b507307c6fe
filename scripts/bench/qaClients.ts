// A child process of the qa benchmark: holds many attendee sockets subscribed to one session and
// records when each hears a question reach a given vote count (absolute ms, comparable across processes).
import { performance } from 'node:perf_hooks';
import { tokenFor } from '../lib/inProcess';
import { type ClientSocket, connect, request } from '../lib/signalingClient';

export type QaClientsCommand = { type: 'collect'; questionId: string; votes: number };
export type QaClientsReport = { type: 'ready'; sockets: number } | { type: 'arrivals'; votes: number; arrivals: (number | null)[] };

async function main(): Promise<void> {
  const [url, sessionId, countArg] = process.argv.slice(2);
  if (!url || !sessionId) throw new Error('usage: qaClients <url> <sessionId> <count>');
  const count = Number(countArg);
  const heard: Map<string, number>[] = [];
  const sockets: ClientSocket[] = [];
  // Connect in batches: a thousand simultaneous handshakes would measure the connect storm instead.
  for (let start = 0; start < count; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, async () => {
        const socket = await connect(url, tokenFor('attendee'));
        const seen = new Map<string, number>();
        socket.on('questionUpdated', (q) => {
          const key = `${q.id}:${q.votes}`;
          if (!seen.has(key)) seen.set(key, performance.timeOrigin + performance.now());
        });
        await request(socket, 'subscribeSession', { sessionId });
        heard.push(seen);
        return socket;
      }),
    );
    sockets.push(...batch);
  }
  process.send?.({ type: 'ready', sockets: sockets.length } satisfies QaClientsReport);
  process.on('message', (command: QaClientsCommand) => {
    const key = `${command.questionId}:${command.votes}`;
    process.send?.({
      type: 'arrivals',
      votes: command.votes,
      arrivals: heard.map((seen) => seen.get(key) ?? null),
    } satisfies QaClientsReport);
  });
  process.on('disconnect', () => {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`qaClients: ${String(error)}\n`);
  process.exit(1);
});
