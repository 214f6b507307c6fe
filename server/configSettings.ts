import type { Config } from './configSchema';
import { CORE_SETTINGS } from './settings/coreSettings';
import { MEDIA_SETTINGS } from './settings/mediaSettings';
import { CLIENT_SETTINGS } from './settings/clientSettings';
import { OPS_SETTINGS } from './settings/opsSettings';
import { AUDIENCE_SETTINGS } from './settings/audienceSettings';
import { WEBHOOK_SETTINGS } from './settings/webhookSettings';
import type { Setting } from './settings/setting';

export type { Kind, Setting } from './settings/setting';

/** Environment variable, parsing and documentation of each setting, by concern (server/settings); the README table mirrors this. */
export const SETTINGS: { [K in keyof Config]-?: Setting } = {
  ...CORE_SETTINGS,
  ...MEDIA_SETTINGS,
  ...CLIENT_SETTINGS,
  ...OPS_SETTINGS,
  ...AUDIENCE_SETTINGS,
  ...WEBHOOK_SETTINGS,
};
