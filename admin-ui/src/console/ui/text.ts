import { consoleText } from '../../i18n/messages/console';

/** Names in a row, with the language's own separator (Chinese lists names with "、"). */
export function joinNames(names: readonly string[]): string {
  return names.join(consoleText.t('common.listSeparator'));
}
