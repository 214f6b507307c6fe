import type { types } from 'mediasoup-client';
import type { ConsumerOptions } from '../../../signaling/contract';
import { isConsumerLocal, RequestError } from './signaling';
import type { StageConnection } from './StageConnection';

/**
 * Consumes a producer on a receive transport of the connection's current peer. Null when the server
 * cannot give it (closed meanwhile, or in a codec this browser cannot decode): the rest still plays.
 */
export async function consumeOn(
  connection: StageConnection,
  recv: types.Transport,
  producerId: string,
): Promise<{ consumer: types.Consumer; paused: boolean } | null> {
  const device = connection.device;
  if (!device) throw new Error('consume before join');
  let options: ConsumerOptions;
  try {
    options = await connection.request('consume', { producerId, rtpCapabilities: device.recvRtpCapabilities });
  } catch (error) {
    if (!isConsumerLocal(error)) throw error;
    console.info(`stagecast: producer ${producerId} not consumed:`, error);
    return null;
  }
  return { consumer: await receive(recv, options), paused: options.paused };
}

/**
 * Consumes several producers in one request (`consumeMany`); `flowing`: they flow at once, for a
 * transport not connected yet. Answers the ones the server gave, in order; a refused one is left out,
 * as `consumeOn` leaves it (the rest still plays), and a refusal of another kind is thrown.
 */
export async function consumeManyOn(
  connection: StageConnection,
  recv: types.Transport,
  producerIds: string[],
  flowing: boolean,
): Promise<{ consumer: types.Consumer; paused: boolean }[]> {
  const device = connection.device;
  if (!device) throw new Error('consume before join');
  const { consumers } = await connection.request('consumeMany', {
    rtpCapabilities: device.recvRtpCapabilities,
    consumers: producerIds.map((producerId) => ({ producerId, paused: !flowing })),
  });
  const held: { consumer: types.Consumer; paused: boolean }[] = [];
  for (const answer of consumers) {
    if (!answer.ok) {
      const refusal = new RequestError(answer.error.code, answer.error.message);
      if (!isConsumerLocal(refusal)) throw refusal;
      console.info(`stagecast: producer ${answer.producerId} not consumed:`, refusal);
      continue;
    }
    held.push({ consumer: await receive(recv, answer.consumer), paused: answer.consumer.paused });
  }
  return held;
}

function receive(recv: types.Transport, options: ConsumerOptions): Promise<types.Consumer> {
  return recv.consume({
    id: options.id,
    producerId: options.producerId,
    kind: options.kind,
    // mediasoup's RtpParameters, typed `object` by the contract.
    rtpParameters: options.rtpParameters as types.RtpParameters,
  });
}
