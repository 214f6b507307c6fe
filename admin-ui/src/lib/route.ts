/** The event and stage a page is about, read from its path (`/watch/:eventId/:stageId`). */
export interface StageRoute {
  eventId: string;
  stageId: string;
}

// Same shape as the server's slugs: anything else cannot name an event or a stage.
const SLUG = '[a-z0-9][a-z0-9-]{0,63}';

export function stageRouteOf(pathname: string, page: 'watch' | 'speak' | 'embed' | 'interpret'): StageRoute | null {
  const match = new RegExp(`^/${page}/(${SLUG})/(${SLUG})/?$`).exec(pathname);
  if (!match?.[1] || !match[2]) return null;
  return { eventId: match[1], stageId: match[2] };
}
