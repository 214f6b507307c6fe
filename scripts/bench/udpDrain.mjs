// A UDP sink in its own process: receives and drops the benchmark viewers' RTP, so the packets have
// somewhere to go without their cost landing in the measured process's CPU accounting.
// Prints its port as one line on stdout, then drains until killed. Plain JavaScript: started with
// `node`, without the TypeScript loader.
import dgram from 'node:dgram';

const socket = dgram.createSocket('udp4');
socket.on('message', () => undefined);
socket.bind(0, '127.0.0.1', () => {
  socket.setRecvBufferSize(8 * 1024 * 1024);
  process.stdout.write(`${socket.address().port}\n`);
});
