import { useEffect, useState } from 'preact/hooks';
import { VIEW_ORDER, type ViewName } from './identity';

/** Where the console is: `#/<view>` or `#/<view>/<stageId>`; the fragment keeps reloads and links on the same view. */
export interface ConsoleRoute {
  view: ViewName | null;
  stageId: string | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function parseRoute(hash: string): ConsoleRoute {
  const [view, stageId] = hash.replace(/^#\/?/, '').split('/');
  return {
    view: (VIEW_ORDER as readonly string[]).includes(view ?? '') ? (view as ViewName) : null,
    stageId: stageId && SLUG.test(stageId) ? stageId : null,
  };
}

export function routeHref(view: ViewName, stageId?: string | null): string {
  return stageId ? `#/${view}/${stageId}` : `#/${view}`;
}

export function useRoute(): ConsoleRoute {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(view: ViewName, stageId?: string | null): void {
  const href = routeHref(view, stageId);
  if (window.location.hash !== href) window.location.hash = href;
}
