import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type { AckResponse, ClientToServerEvents, ServerToClientEvents } from '../../signaling/contract';

/** Node-side Socket.IO client of the stagecast contract, for tests and benchmarks. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type AckDataOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: AckResponse<infer T>,
) => void
  ? T
  : never;

export async function connect(
  url: string,
  token: string,
  options: { reconnection?: boolean; headers?: Record<string, string> } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: options.reconnection ?? false,
    forceNew: true,
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      // Refused: nothing is left open behind the rejection.
      socket.disconnect();
      reject(error);
    });
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
): Promise<AckDataOf<E>> {
  const response = await rawRequest(socket, event, payload);
  if (!response.ok) throw Object.assign(new Error(`${response.error.code}: ${response.error.message}`), { code: response.error.code });
  return response.data as AckDataOf<E>;
}

/** A mediasoup-client Device that speaks WebRTC signaling without a browser. */
export async function fakeDevice(routerRtpCapabilities: object): Promise<Device> {
  const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
  await device.load({ routerRtpCapabilities: routerRtpCapabilities });
  return device;
}
