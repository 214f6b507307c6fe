import assert from 'node:assert/strict';
import net from 'node:net';
import {
  closeConnection,
  commandConnection,
  subscriberConnection,
  whenReady,
  withCommandTimeout,
} from '../../../server/store/redisConnection';
import { RedisStore } from '../../../server/store/RedisStore';
import type { QuestionRecord } from '../../../server/store/records';
import { AppError } from '../../../server/errors';
import { waitFor } from '../../../scripts/lib/wait';

/** What the fake Redis does with one command of one connection (numbered from 1): a RESP reply, or 'drop' (close the connection) or 'silence' (never answer). */
type Answer = (command: string[], connection: number) => string;

/**
 * A Redis stand-in on loopback that records every command each connection sends (names upper-cased)
 * and answers as told: a RESP reply, 'drop' (closes the connection without answering) or 'silence'
 * (never answers). It lets a test cut a connection exactly while a given command is in flight, which a
 * real redis-server cannot.
 */
class FakeRedis {
  readonly connections: string[][][] = [];
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  private constructor(answer: Answer) {
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      const commands: string[][] = [];
      this.connections.push(commands);
      const connection = this.connections.length;
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (let parsed = parseCommand(buffered); parsed; parsed = parseCommand(buffered)) {
          buffered = buffered.subarray(parsed.length);
          parsed.command[0] = parsed.command[0].toUpperCase();
          commands.push(parsed.command);
          const reply = answer(parsed.command, connection);
          if (reply === 'drop') {
            socket.destroy();
            return;
          }
          if (reply !== 'silence') socket.write(reply);
        }
      });
    });
  }

  /** Listens on `port` (0: any free one). */
  static async start(answer: Answer, port = 0): Promise<FakeRedis> {
    const fake = new FakeRedis(answer);
    await new Promise<void>((resolve) => fake.#server.listen(port, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Every command name sent on any connection, in order. */
  allNames(): string[] {
    return this.connections.flatMap((_commands, i) => this.names(i + 1));
  }

  /** Every command name each connection sent, in order. */
  names(connection: number): string[] {
    return (this.connections[connection - 1] ?? []).map((command) => command[0]);
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** One RESP array of bulk strings from the start of `data`, or null when it is not all there yet. */
function parseCommand(data: Buffer): { command: string[]; length: number } | null {
  let offset = 0;
  const line = (): string | null => {
    const end = data.indexOf('\r\n', offset);
    if (end < 0) return null;
    const text = data.subarray(offset, end).toString();
    offset = end + 2;
    return text;
  };
  const header = line();
  if (header === null || !header.startsWith('*')) return null;
  const command: string[] = [];
  for (let i = 0; i < Number(header.slice(1)); i++) {
    const size = line();
    if (size === null || data.length < offset + Number(size.slice(1)) + 2) return null;
    command.push(data.subarray(offset, offset + Number(size.slice(1))).toString());
    offset += Number(size.slice(1)) + 2;
  }
  return { command, length: offset };
}

const OK = '+OK\r\n';
const answerAll: Answer = (command) => (command[0] === 'PING' ? '+PONG\r\n' : OK);

function question(id: string): QuestionRecord {
  return {
    id,
    eventId: 'ev1',
    sessionId: 's1',
    text: 'Is it open?',
    authorId: 'p1',
    authorName: 'Ada',
    status: 'pending',
    pinned: false,
    createdAt: '2026-12-01T09:05:00.000Z',
  };
}

function unavailable(error: unknown): boolean {
  return error instanceof AppError && error.code === 'unavailable';
}

describe('Redis connection guarantees (node-redis, against a scripted stand-in)', function () {
  this.timeout(15_000);
  let fake: FakeRedis | undefined;
  let store: RedisStore | undefined;

  afterEach(async () => {
    await store?.close();
    await fake?.stop();
    store = undefined;
    fake = undefined;
  });

  it('a write in flight when the connection drops fails as unavailable and is not sent again on the next connection', async () => {
    fake = await FakeRedis.start((command, connection) =>
      command[0] === 'HSET' && connection === 1 ? 'drop' : answerAll(command, connection),
    );
    store = new RedisStore({ url: fake.url, commandTimeoutMs: 1000 });
    await assert.rejects(store.collection('questions').put(question('q1')), unavailable);
    assert.ok(fake.names(1).includes('HSET'), 'the write was on the wire when the connection dropped');
    // Once a command goes through the new connection, anything re-sent would have been written before it.
    await waitFor(async () => (await store!.ping(), true), 5000, 'the store to reconnect');
    const later = fake.allNames().slice(fake.names(1).length);
    assert.ok(later.includes('PING'));
    assert.ok(!later.includes('HSET'), `the failed write was sent again: ${later.join(' ')}`);
  });

  it('a write made while Redis is unreachable fails as unavailable and is never sent once it is back', async () => {
    fake = await FakeRedis.start(answerAll);
    const port = fake.port;
    store = new RedisStore({ url: fake.url, commandTimeoutMs: 300 });
    await store.ping();
    await fake.stop();
    await assert.rejects(store.collection('questions').put(question('q2')), unavailable);
    // Redis comes back at the same address.
    fake = await FakeRedis.start(answerAll, port);
    await waitFor(async () => (await store!.ping(), true), 5000, 'the store to reconnect');
    assert.ok(!fake.allNames().includes('HSET'), `the failed write was sent once Redis was back: ${fake.allNames().join(' ')}`);
  });

  it('a command Redis never answers fails as unavailable (the command timeout bounds the wait for the answer)', async () => {
    fake = await FakeRedis.start((command) => (command[0] === 'HGET' ? 'silence' : OK));
    store = new RedisStore({ url: fake.url, commandTimeoutMs: 300 });
    await assert.rejects(
      store.collection('questions').get('s1', 'q3'),
      (error: unknown) => unavailable(error) && /did not answer/.test(String((error as AppError).cause)),
    );
  });

  it('a command connection refuses a command at once while Redis is away, and never sends it later', async () => {
    fake = await FakeRedis.start(answerAll);
    const port = fake.port;
    const redis = commandConnection({ url: fake.url, timeoutMs: 300, onError: () => undefined });
    try {
      await whenReady(redis, 5000);
      await fake.stop();
      await waitFor(async () => (redis.isReady ? undefined : true), 5000, 'the connection to notice Redis is gone');
      await assert.rejects(redis.publish('news', 'late'));
      fake = await FakeRedis.start(answerAll, port);
      await whenReady(redis, 5000);
      assert.equal(await redis.ping(), 'PONG');
      assert.ok(!fake.allNames().includes('PUBLISH'), `the refused command was sent once Redis was back: ${fake.allNames().join(' ')}`);
    } finally {
      closeConnection(redis);
    }
  });

  it('a MULTI on a command connection is refused while Redis is away, and never sent once it is back', async () => {
    fake = await FakeRedis.start(answerAll);
    const port = fake.port;
    const redis = withCommandTimeout(commandConnection({ url: fake.url, timeoutMs: 300, onError: () => undefined }), 300);
    try {
      await whenReady(redis, 5000);
      await fake.stop();
      await waitFor(async () => (redis.isReady ? undefined : true), 5000, 'the connection to notice Redis is gone');
      const transaction = redis.multi().set('k', 'v').sAdd('s', 'm').exec();
      // Redis is back before the next connection attempt: a queued transaction would be sent on it.
      fake = await FakeRedis.start(answerAll, port);
      await assert.rejects(transaction);
      await whenReady(redis, 5000);
      assert.equal(await redis.ping(), 'PONG');
      assert.deepEqual(
        fake.allNames().filter((name) => ['MULTI', 'SET', 'SADD', 'EXEC'].includes(name)),
        [],
        'the refused transaction was sent once Redis was back',
      );
    } finally {
      closeConnection(redis);
    }
  });

  it('a subscription in flight when the connection drops is made again on the next connection', async () => {
    fake = await FakeRedis.start((command, connection) => {
      if (command[0] !== 'SUBSCRIBE') return OK;
      return connection === 1 ? 'drop' : `*3\r\n$9\r\nsubscribe\r\n$${command[1].length}\r\n${command[1]}\r\n:1\r\n`;
    });
    const sub = subscriberConnection({ url: fake.url, timeoutMs: 1000, onError: () => undefined });
    try {
      await sub.subscribe('news', () => undefined);
      assert.ok(fake.names(1).includes('SUBSCRIBE'), 'the first SUBSCRIBE was cut off');
      assert.ok(
        fake.connections.slice(1).some((commands) => commands.some((command) => command[0] === 'SUBSCRIBE' && command[1] === 'news')),
      );
    } finally {
      closeConnection(sub);
    }
  });
});
