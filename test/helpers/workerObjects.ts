import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

/**
 * Every producer and consumer this process's mediasoup workers create after `watch()` (mediasoup's
 * observer API): what the SFU itself held and forwarded, to print when a browser test's media stays dark.
 */
export class WorkerObjects {
  readonly producers: types.Producer[] = [];
  readonly consumers: types.Consumer[] = [];

  readonly #onNewWorker = (worker: types.Worker): void => {
    worker.observer.on('newrouter', (router: types.Router) =>
      router.observer.on('newtransport', (transport: types.Transport) => {
        transport.observer.on('newproducer', (producer: types.Producer) => this.producers.push(producer));
        transport.observer.on('newconsumer', (consumer: types.Consumer) => this.consumers.push(consumer));
      }),
    );
  };

  /** Starts recording; answers what stops it. */
  watch(): () => void {
    mediasoup.observer.on('newworker', this.#onNewWorker);
    return () => mediasoup.observer.off('newworker', this.#onNewWorker);
  }

  /** One line per producer and consumer still open: state, score, layers and what it has carried. */
  async describe(): Promise<string> {
    const lines: string[] = [];
    for (const producer of this.producers.filter((p) => !p.closed)) {
      const stats = await producer.getStats().catch(() => []);
      const packets = stats.map((s) => s.packetCount);
      lines.push(
        `producer ${producer.id} ${producer.kind} ${producer.type} paused=${producer.paused} score=${JSON.stringify(producer.score)} packets=${JSON.stringify(packets)}`,
      );
    }
    for (const consumer of this.consumers.filter((c) => !c.closed)) {
      const stats = await consumer.getStats().catch(() => []);
      const sent = stats.filter((s) => s.type === 'outbound-rtp').map((s) => s.packetCount);
      lines.push(
        `consumer ${consumer.id} of ${consumer.producerId} ${consumer.kind} ${consumer.type} paused=${consumer.paused} ` +
          `producerPaused=${consumer.producerPaused} layers=${JSON.stringify(consumer.currentLayers ?? null)} ` +
          `score=${JSON.stringify(consumer.score)} sent=${JSON.stringify(sent)}`,
      );
    }
    return lines.join('\n');
  }
}
