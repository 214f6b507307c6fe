// A UDP sink in its own process: receives and drops the benchmark viewers' RTP, so the packets have
// somewhere to go without their cost landing in the measured process's CPU accounting.
// Prints its port as one line on stdout, then drains until killed; each line written to its stdin is
// answered with the count of packets received so far. Plain JavaScript: started with
// `node`, without the TypeScript loader.
import dgram from 'node:dgram';

const socket = dgram.createSocket('udp4');
let packets = 0;
socket.on('message', () => {
  packets += 1;
});
// A line on stdin asks for the number of packets received so far.
process.stdin.on('data', () => process.stdout.write(`${packets}\n`));
socket.bind(0, '127.0.0.1', () => {
  socket.setRecvBufferSize(8 * 1024 * 1024);
  process.stdout.write(`${socket.address().port}\n`);
});
