import { settleWithin } from '../../scripts/lib/wait';

/** Every step of a teardown that failed, each named; the first failure is its cause. */
export class TeardownError extends Error {
  constructor(readonly failures: { what: string; error: unknown }[]) {
    super(
      `${failures.length} teardown step(s) failed:\n${failures.map((f) => `  - ${f.what}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('\n')}`,
      { cause: failures[0]?.error },
    );
    this.name = 'TeardownError';
  }
}

const TIMED_OUT = Symbol('step timed out');

/**
 * What a test file (or a test) must undo, registered as soon as it exists: processes, browsers,
 * connections, directories. `run()` runs every step, the latest registered first, each even when an
 * earlier one threw or hung (each is bounded by `stepTimeoutMs`), and then throws one error naming
 * every failure. `run()` empties the list, so the same Teardown can serve each test of a file.
 *
 *   const teardown = new Teardown();
 *   after(() => teardown.run());
 *   before(async () => { server = teardown.own('the server', await startServer(), (s) => s.dispose()); });
 */
export class Teardown {
  #steps: { what: string; step: () => unknown }[] = [];

  constructor(readonly stepTimeoutMs = 20_000) {}

  /** Registers a step. */
  add(what: string, step: () => unknown): void {
    this.#steps.push({ what, step });
  }

  /** Registers how to end `resource` and answers it: `server = teardown.own('the server', await startServer(), (s) => s.dispose())`. */
  own<T>(what: string, resource: T, end: (resource: T) => unknown): T {
    this.add(what, () => end(resource));
    return resource;
  }

  async run(): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    const failures: { what: string; error: unknown }[] = [];
    for (const { what, step } of steps) {
      try {
        const outcome = await settleWithin(Promise.resolve().then(step), this.stepTimeoutMs, TIMED_OUT);
        if (outcome === TIMED_OUT) failures.push({ what, error: new Error(`did not finish within ${this.stepTimeoutMs} ms`) });
      } catch (error) {
        failures.push({ what, error });
      }
    }
    if (failures.length > 0) throw new TeardownError(failures);
  }
}
