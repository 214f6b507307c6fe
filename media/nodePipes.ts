import type { types } from 'mediasoup';
import type { MediaOptions } from './types';

/** One end of a media pipe between two nodes, as the other end needs it to connect. */
export interface PipeEndpoint {
  ip: string;
  port: number;
  srtpParameters: types.SrtpParameters;
}

/** What the receiving end needs to re-create a piped producer: same id, kind and RTP parameters. */
export interface PipedProducerParameters {
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  paused: boolean;
}

/**
 * A PipeTransport on `router` towards another node. Media between nodes leaves the machine, so it is
 * SRTP-encrypted; RTX stays off (the pipe is one hop on a data-centre network and the viewers'
 * transports do their own retransmission).
 */
export async function openNodePipe(
  router: types.Router,
  options: MediaOptions,
  appData: Record<string, unknown>,
): Promise<{ transport: types.PipeTransport; local: PipeEndpoint }> {
  const transport = await router.createPipeTransport({
    listenIp: { ip: options.listenIp, announcedIp: options.announcedIp },
    enableSrtp: true,
    appData,
  });
  const srtpParameters = transport.srtpParameters;
  if (!srtpParameters) {
    transport.close();
    throw new Error('the pipe transport has no SRTP parameters');
  }
  return { transport, local: { ip: options.announcedIp, port: transport.tuple.localPort, srtpParameters } };
}

export async function connectNodePipe(transport: types.PipeTransport, remote: PipeEndpoint): Promise<void> {
  await transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtpParameters });
}

/** Origin side: starts sending one producer down the pipe. */
export async function sendDownPipe(
  transport: types.PipeTransport,
  producerId: string,
): Promise<{ consumer: types.Consumer; parameters: PipedProducerParameters }> {
  const consumer = await transport.consume({ producerId });
  return {
    consumer,
    parameters: { producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters, paused: consumer.producerPaused },
  };
}

/** Edge side: the producer that brings the origin's packets into this node's router, under the same id. */
export async function receiveFromPipe(transport: types.PipeTransport, parameters: PipedProducerParameters): Promise<types.Producer> {
  return transport.produce({
    id: parameters.producerId,
    kind: parameters.kind,
    rtpParameters: parameters.rtpParameters,
    paused: parameters.paused,
    appData: { role: 'piped' },
  });
}
