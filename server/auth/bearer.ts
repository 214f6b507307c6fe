import type { TokenRevocations } from '../conference/TokenRevocations';
import { type ApiKeys, isApiKey } from './apiKeys';
import type { Principal, TokenSigner } from './tokens';

/** Who a bearer credential is; throws `unauthorized` otherwise. The one check REST and socket handshakes share. */
export type Authenticate = (bearer: string) => Promise<Principal>;

/** A token (signature, claims, not revoked) or an API key (`sck_…`, not revoked), told apart by the key's prefix. */
export function bearerAuthenticator(deps: { signer: TokenSigner; revocations: TokenRevocations; apiKeys: ApiKeys }): Authenticate {
  return async (bearer) => {
    if (isApiKey(bearer)) return deps.apiKeys.verify(bearer);
    const principal = deps.signer.verify(bearer);
    await deps.revocations.assertNotRevoked(principal);
    return principal;
  };
}
