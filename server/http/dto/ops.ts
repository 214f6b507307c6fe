import { IsIn, Matches } from 'class-validator';
import { Optional, SLUG } from '../../validation';

/** `?stage=<stageId>`: one stage of the caller's event; all its stages when absent. */
export class HealthHistoryQuery {
  @Optional() @Matches(SLUG, { message: 'stage must be a slug (a-z, 0-9, -)' }) stage?: string;
}

/** `?state=open|all`: the alerts open now (default), or the stored log of raised and cleared ones. */
export class AlertsQuery {
  @Optional() @IsIn(['open', 'all']) state?: 'open' | 'all';
}
