import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { consoleText } from '../../i18n/messages/console';
import type { NoticeInput } from '../context';

interface Notice extends NoticeInput {
  id: number;
}

const NOTICE_MS = 6_000;
const NOTICE_WITH_ACTION_MS = 10_000;

/** Short messages at the bottom of the screen; errors stay until dismissed, the rest fade out. */
export function useNotices(): { notices: Notice[]; notify: (notice: NoticeInput) => void; dismiss: (id: number) => void } {
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, number>());
  const dismiss = useCallback((id: number) => {
    window.clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setNotices((list) => list.filter((n) => n.id !== id));
  }, []);
  const notify = useCallback(
    (notice: NoticeInput) => {
      const id = nextId.current++;
      // Newest last; at most four on screen so a burst of errors does not cover the console.
      setNotices((list) => [...list, { ...notice, id }].slice(-4));
      if (notice.tone !== 'error')
        timers.current.set(
          id,
          window.setTimeout(() => dismiss(id), notice.action ? NOTICE_WITH_ACTION_MS : NOTICE_MS),
        );
    },
    [dismiss],
  );
  useEffect(() => () => timers.current.forEach((timer) => window.clearTimeout(timer)), []);
  return { notices, notify, dismiss };
}

export function NoticeList({ notices, dismiss }: { notices: Notice[]; dismiss: (id: number) => void }) {
  return (
    <div class="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} class={`notice notice-${notice.tone ?? 'info'}`}>
          <span class="notice-text">{notice.text}</span>
          {notice.action && (
            <button
              type="button"
              class="button-small"
              onClick={() => {
                notice.action?.run();
                dismiss(notice.id);
              }}
            >
              {notice.action.label}
            </button>
          )}
          <button type="button" class="icon-button" aria-label={consoleText.t('notice.dismiss')} onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
