import type { types } from 'mediasoup-client';
import type { ConsumerOptions } from '../../../signaling/contract';
import { isConsumerLocal } from './signaling';
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
  const consumer = await recv.consume({
    id: options.id,
    producerId: options.producerId,
    kind: options.kind,
    // mediasoup's RtpParameters, typed `object` by the contract.
    rtpParameters: options.rtpParameters as types.RtpParameters,
  });
  return { consumer, paused: options.paused };
}
