import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import type { types as clientTypes } from 'mediasoup-client';
import { type ClientSocket, fakeDevice, request } from './stagecast';

/** A speaker publishing a simulcast camera and a microphone through the real signaling path. */
export async function publishCamera(
  socket: ClientSocket,
  stageId = 'keynote',
): Promise<{ videoId: string; audioId: string; transport: clientTypes.Transport }> {
  const joined = await request(socket, 'join', { stageId });
  const device = await fakeDevice(joined.routerRtpCapabilities);
  const options = await request(socket, 'createTransport', { direction: 'send' });
  const transport = device.createSendTransport(options as clientTypes.TransportOptions);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    request(socket, 'connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  transport.on('produce', ({ kind, rtpParameters }, done, fail) => {
    request(socket, 'produce', { transportId: transport.id, kind, rtpParameters, source: 'camera' }).then(
      ({ producerId }) => done({ id: producerId }),
      fail,
    );
  });
  const video = await transport.produce({
    track: new FakeMediaStreamTrack({ kind: 'video' }),
    encodings: [
      { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
      { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { maxBitrate: 1_200_000 },
    ],
  });
  const audio = await transport.produce({ track: new FakeMediaStreamTrack({ kind: 'audio' }) });
  return { videoId: video.id, audioId: audio.id, transport };
}
