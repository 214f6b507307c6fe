// A child process of the join benchmark: a bare Socket.IO server, with the node's transport options,
// that answers each request of a join with the answer the real node gave (recorded from one real
// viewer). No token check, no validation, no media: what Socket.IO alone costs per join with the
// same connections, frames and bytes. The benchmark sets the node's CPU per join beside it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { SignalingExchange } from '../lib/viewer';
import { type RpcHandlers, serveRpc } from './rpc';

export type SignalingFloorApi = {
  /** From now on, each connection's `event` requests are answered with that exchange's answer. */
  replay: { args: { exchanges: SignalingExchange[] }; result: null };
};

async function main(): Promise<void> {
  const server = http.createServer();
  const io = new Server(server, { transports: ['websocket'] });
  let answers = new Map<string, unknown>();
  io.on('connection', (socket) => {
    for (const [event, answer] of answers) socket.on(event, (_payload: unknown, ack: (answer: unknown) => void) => ack(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handlers: RpcHandlers<SignalingFloorApi> = {
    async replay({ exchanges }) {
      answers = new Map(exchanges.map((x) => [x.event, x.answer]));
      return null;
    },
  };
  serveRpc<SignalingFloorApi>(handlers, { port: (server.address() as AddressInfo).port }, async () => {
    await io.close();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`signalingFloor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
