/**
 * Service account issuer discovery, as kube-apiserver serves it: the OpenID provider
 * configuration at `/.well-known/openid-configuration` and the signing keys at `/openid/v1/jwks`,
 * so that a relying party outside the space can verify its service account tokens. Readable by
 * service accounts through the `system:service-account-issuer-discovery` ClusterRole.
 */
import type { ServiceAccountTokens } from '../auth/tokens/service-account-tokens.js';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

/** The document at `path` for a space reached at `baseUrl` (its own URL prefix included), or undefined. */
export function issuerDiscovery(path: string, tokens: ServiceAccountTokens, space: string, baseUrl: string): { body: string; contentType: string } | undefined {
  if (path === OPENID_CONFIGURATION_PATH) {
    const config = {
      issuer: tokens.issuer(space),
      jwks_uri: `${baseUrl}${JWKS_PATH}`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...new Set(tokens.jwks().keys.map((k) => String(k['alg'])))],
    };
    return { body: JSON.stringify(config), contentType: 'application/json' };
  }
  if (path === JWKS_PATH) return { body: JSON.stringify(tokens.jwks()), contentType: 'application/jwk-set+json' };
  return undefined;
}
