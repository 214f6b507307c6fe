import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import { createTokenSigner, type Role } from '../../server/auth/tokens';
import { DEV_JWT_SECRET, loadConfig } from '../../server/config';
import { Stagecast } from '../../server/Stagecast';
import type { AckResponse, ClientToServerEvents, ServerToClientEvents } from '../../signaling/contract';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real stagecast node in this process, on a free port, with its own SQLite file. */
export async function startStagecast(env: Record<string, string> = {}): Promise<{ node: Stagecast; url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-node-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    SQLITE_PATH: path.join(dir, 'stagecast.db'),
    MEDIASOUP_NUM_WORKERS: '2',
    RTC_LISTEN_IP: '127.0.0.1',
    ...env,
  });
  const node = await Stagecast.start(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    node,
    url: `http://127.0.0.1:${node.port}`,
    async stop() {
      await node.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const testSigner = createTokenSigner(DEV_JWT_SECRET, 3600);

export function tokenFor(role: Role, eventId = 'demo', name: string = role): string {
  return testSigner.sign({ role, eventId, name });
}

export async function connect(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Emits a request with an untyped payload and resolves with the raw ack, whatever it is. */
export function rawRequest(socket: ClientSocket, event: string, ...args: unknown[]): Promise<AckResponse<unknown>> {
  const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): void };
  return new Promise((resolve) => untyped.emit(event, ...args, (response: AckResponse<unknown>) => resolve(response)));
}

/** Typed request: resolves with `data`, rejects with an Error carrying the error code. */
export async function request<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Parameters<ClientToServerEvents[E]>[1] extends (r: AckResponse<infer T>) => void ? T : never> {
  const response = await rawRequest(socket, event, payload);
  if (!response.ok) throw Object.assign(new Error(`${response.error.code}: ${response.error.message}`), { code: response.error.code });
  return response.data as Parameters<ClientToServerEvents[E]>[1] extends (r: AckResponse<infer T>) => void ? T : never;
}

/** A mediasoup-client Device that speaks WebRTC signaling without a browser. */
export async function fakeDevice(routerRtpCapabilities: object): Promise<Device> {
  const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as Parameters<Device['load']>[0]['routerRtpCapabilities'] });
  return device;
}
