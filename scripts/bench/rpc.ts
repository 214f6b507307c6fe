// Typed request/reply over a forked child's IPC channel, for benchmark helper processes (the hosted
// node, the viewer clients). An API is a map of command name → { args, result }; the child serves it,
// the parent calls it. The child's first message says it is ready (with whatever it wants to tell).
import { type ChildProcess, fork } from 'node:child_process';

export type RpcApi = Record<string, { args: unknown; result: unknown }>;

type RpcRequest = { id: number; command: string; args: unknown };
type RpcReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
type ReadyMessage = { ready: unknown };

export type RpcHandlers<Api extends RpcApi> = { [K in keyof Api]: (args: Api[K]['args']) => Promise<Api[K]['result']> };

export interface RpcChildOptions {
  /** Extra Node flags besides the TypeScript loader (e.g. `--expose-gc`). */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Called with each chunk the child writes to stdout (its stdout is inherited when absent). */
  onStdout?: (chunk: string) => void;
}

export class RpcChild<Api extends RpcApi, Ready> {
  #nextId = 0;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #exitError: Error | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly ready: Ready,
  ) {
    child.on('message', (message) => {
      const reply = message as RpcReply;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    child.once('exit', (code, signal) => {
      this.#exitError = new Error(`helper process exited (code ${code}, signal ${signal})`);
      for (const { reject } of this.#pending.values()) reject(this.#exitError);
      this.#pending.clear();
    });
  }

  /** Forks `file` with the TypeScript loader and waits for its ready message. */
  static async start<Api extends RpcApi, Ready>(
    file: string,
    args: string[],
    options: RpcChildOptions = {},
  ): Promise<RpcChild<Api, Ready>> {
    const child = fork(file, args, {
      execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
      env: options.env ?? process.env,
      stdio: ['ignore', options.onStdout ? 'pipe' : 'inherit', 'inherit', 'ipc'],
    });
    if (options.onStdout) child.stdout?.on('data', (chunk: Buffer) => options.onStdout?.(chunk.toString()));
    const ready = await new Promise<Ready>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${file} exited before it was ready (code ${code})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve((message as ReadyMessage).ready as Ready);
      });
    });
    return new RpcChild<Api, Ready>(child, ready);
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<K extends keyof Api & string>(command: K, args: Api[K]['args']): Promise<Api[K]['result']> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    const id = ++this.#nextId;
    return new Promise<Api[K]['result']>((resolve, reject) => {
      this.#pending.set(id, { resolve: (value) => resolve(value), reject });
      this.child.send({ id, command, args } satisfies RpcRequest);
    });
  }

  /** Disconnects (the child cleans up and exits), then kills it if it is still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The child's side: answers each request with its handler's result (or its error's message), after
 * telling the parent it is ready. When the parent disconnects, `onDisconnect` runs, then the process exits.
 */
export function serveRpc<Api extends RpcApi>(handlers: RpcHandlers<Api>, ready: unknown, onDisconnect: () => Promise<void>): void {
  const send = (message: RpcReply | ReadyMessage): void => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (message) => {
    const { id, command, args } = message as RpcRequest;
    const handler = (handlers as Record<string, ((args: unknown) => Promise<unknown>) | undefined>)[command];
    if (!handler) {
      send({ id, ok: false, error: `unknown command ${command}` });
      return;
    }
    handler(args).then(
      (result) => send({ id, ok: true, result }),
      (error: unknown) => send({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.once('disconnect', () => {
    onDisconnect().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  send({ ready });
}
