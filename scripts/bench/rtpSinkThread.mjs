// A UDP sink in its own thread: records, per SSRC, the arrival times (absolute ms) of RTP packets, so
// the main thread's event loop (the server, in-process benchmarks) does not distort them.
// Plain JavaScript: worker threads on Node 20 do not run the TypeScript loader.
// Messages in: { type: 'firstAfter', since, ssrcs } | { type: 'count' }.
// Messages out: { type: 'ready', port } | { type: 'firstAfter', arrivals: (number|null)[] } | { type: 'count', packets }.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';

const arrivals = new Map();
let packets = 0;
const socket = dgram.createSocket('udp4');
socket.on('message', (message) => {
  if (message.length < 12 || message[0] >> 6 !== 2) return;
  const packetType = message[1];
  if (packetType >= 192 && packetType <= 223) return; // RTCP
  packets += 1;
  const ssrc = message.readUInt32BE(8);
  let times = arrivals.get(ssrc);
  if (!times) arrivals.set(ssrc, (times = []));
  times.push(performance.timeOrigin + performance.now());
  // Only recent arrivals matter: keep the lists short.
  if (times.length > 400) times.splice(0, 200);
});
socket.bind(0, '127.0.0.1', () => {
  socket.setRecvBufferSize(8 * 1024 * 1024);
  parentPort.postMessage({ type: 'ready', port: socket.address().port });
});
parentPort.on('message', (request) => {
  if (request.type === 'count') {
    parentPort.postMessage({ type: 'count', packets });
    return;
  }
  const first = request.ssrcs.map((ssrc) => (arrivals.get(ssrc) ?? []).find((t) => t >= request.since) ?? null);
  parentPort.postMessage({ type: 'firstAfter', arrivals: first });
});
