import { Matches } from 'class-validator';
import { SLUG } from '../validation';

const message = '$property must be a slug (a-z, 0-9, -)';

export class EventParams {
  @Matches(SLUG, { message }) eventId!: string;
}

export class StageParams extends EventParams {
  @Matches(SLUG, { message }) stageId!: string;
}
