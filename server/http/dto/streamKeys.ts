import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Optional } from '../../validation';

export class CreateStreamKeyDto {
  /** A further hall camera (`onsite-<feed>`); the stage's main feed when absent. */
  @Optional() @Matches(/^[a-z0-9]{1,16}$/) feed?: string;
  /** What the console shows for the key and the source, e.g. "OBS, desk 2". */
  @Optional() @IsString() @MaxLength(80) @Matches(/\S/, { message: 'label must not be blank' }) label?: string;
  /** Past this many seconds the key is refused; it lives until revoked when absent. */
  @Optional() @IsInt() @Min(60) @Max(31_536_000) expiresInSeconds?: number;
}
