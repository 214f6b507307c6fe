import { useEffect, useState } from 'preact/hooks';
import type { NodeInfo } from '../../../../signaling/contract';
import { consoleOps } from '../../i18n/messages/consoleOps';
import { formatNumber } from '../../i18n/format';
import { useConsole } from '../context';
import { errorText } from '../errorText';

const t = consoleOps.t;

const REFRESH_MS = 2000;

/** The nodes serving the event (one on a single-node install) with their load, refreshed every 2 s. */
export function NodeList() {
  const { api } = useConsole();
  const [nodes, setNodes] = useState<NodeInfo[]>([]);
  const [error, setError] = useState<{ failure: unknown } | null>(null);
  useEffect(() => {
    let active = true;
    const load = (): void => {
      api.get<{ nodes: NodeInfo[] }>('/api/nodes').then(
        (answer) => {
          if (!active) return;
          setNodes([...answer.nodes].sort((a, b) => a.id.localeCompare(b.id)));
          setError(null);
        },
        (failure: unknown) => active && setError({ failure }),
      );
    };
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => {
      active = false;
      window.clearInterval(timer);
    };
  }, [api]);

  return (
    <section class="panel nodes-panel" aria-labelledby="nodes-heading">
      <h2 id="nodes-heading">
        {t('nodes.heading')} <span class="count">{nodes.length}</span>
      </h2>
      {error && <p class="form-error">{errorText(error.failure)}</p>}
      <ul class="node-list" id="node-list">
        {nodes.map((node) => (
          <li key={node.id} class={`node${node.draining ? ' node-draining' : ''}`} data-node={node.id}>
            <div class="node-head">
              <strong>{node.id}</strong>
              {node.load.origins > 0 && <span class="node-tag">{t('nodes.origin', { count: node.load.origins })}</span>}
              {node.draining && <span class="node-tag">{t('nodes.draining')}</span>}
            </div>
            <p class="muted">
              {[
                t('nodes.viewers', { count: node.load.viewers }),
                t('nodes.connections', { count: node.load.sockets }),
                t('nodes.cpu', { cpu: formatNumber(node.load.workerCpuPercent, { maximumFractionDigits: 1 }) }),
                t('nodes.room', { count: node.load.freeConsumers }),
              ].join(' · ')}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
