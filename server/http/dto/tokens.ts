import { IsString, Matches, MaxLength } from 'class-validator';

/** The token to revoke, as issued (three base64url parts): its signature is checked before anything is stored. */
export class RevokeTokenDto {
  @IsString()
  @MaxLength(4096)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'token must be a JWT (three base64url parts)' })
  token!: string;
}
