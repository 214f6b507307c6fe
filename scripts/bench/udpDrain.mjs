// A UDP sink in its own process: receives and drops the benchmark viewers' RTP, so the packets have
// somewhere to go without their cost landing in the measured process's CPU accounting.
// Prints its port as one line on stdout, then drains until killed; each line written to its stdin (an
// id) is answered with that id and the count of packets received so far. Plain JavaScript: started with
// `node`, without the TypeScript loader.
import dgram from 'node:dgram';

const socket = dgram.createSocket('udp4');
let packets = 0;
socket.on('message', () => {
  packets += 1;
});
// Each line on stdin (an id) is answered with "<id> <packets received so far>".
let pending = '';
process.stdin.on('data', (chunk) => {
  pending += chunk.toString();
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const id of lines) process.stdout.write(`${id} ${packets}\n`);
});
socket.bind(0, '127.0.0.1', () => {
  socket.setRecvBufferSize(8 * 1024 * 1024);
  process.stdout.write(`${socket.address().port}\n`);
});
