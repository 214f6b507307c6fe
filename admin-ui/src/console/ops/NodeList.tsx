import { useEffect, useState } from 'preact/hooks';
import type { NodeInfo } from '../../../../signaling/contract';
import { useConsole } from '../context';

const REFRESH_MS = 2000;

/** The nodes serving the event (one on a single-node install) with their load, refreshed every 2 s. */
export function NodeList() {
  const { api } = useConsole();
  const [nodes, setNodes] = useState<NodeInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    const load = (): void => {
      api.get<{ nodes: NodeInfo[] }>('/api/nodes').then(
        (answer) => {
          if (!active) return;
          setNodes([...answer.nodes].sort((a, b) => a.id.localeCompare(b.id)));
          setError(null);
        },
        (failure: unknown) => active && setError(failure instanceof Error ? failure.message : String(failure)),
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
        Nodes <span class="count">{nodes.length}</span>
      </h2>
      {error && <p class="form-error">{error}</p>}
      <ul class="node-list" id="node-list">
        {nodes.map((node) => (
          <li key={node.id} class={`node${node.draining ? ' node-draining' : ''}`} data-node={node.id}>
            <div class="node-head">
              <strong>{node.id}</strong>
              {node.load.origins > 0 && <span class="node-tag">origin of {node.load.origins}</span>}
              {node.draining && <span class="node-tag">draining</span>}
            </div>
            <p class="muted">
              {node.load.viewers} viewers · {node.load.sockets} connections · worker CPU {node.load.workerCpuPercent} % · room for{' '}
              {node.load.freeConsumers} consumers
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
