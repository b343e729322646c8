/** The only Sign-In with Substrate message version there is. */
export const SIWS_VERSION = '1.0.0';

export interface SiwsFields {
  /** `host[:port]` asking for the sign-in; the server accepts only its AUTH_DOMAINS. */
  domain: string;
  /** SS58 address of the account signing in. */
  address: string;
  /** One line shown to the user in the wallet. */
  statement?: string;
  /** The app's URI, on `domain`. */
  uri: string;
  nonce: string;
  /** ms since the epoch. */
  issuedAt: number;
  /** ms since the epoch. */
  expirationTime?: number;
}

/**
 * The text a wallet signs to sign in, in the format of `@talismn/siws` (`SiwsMessage.prepareMessage`),
 * which the server parses. Written here so the client does not pull that package's dependencies
 * (ethers, an ID resolver) into an app.
 */
export function siwsMessage(fields: SiwsFields): string {
  if (fields.statement?.includes('\n')) throw new TypeError('statement must be one line');
  const lines = [`${fields.domain} wants you to sign in with your Substrate account:`, fields.address, ''];
  if (fields.statement) lines.push(fields.statement, '');
  lines.push(
    `URI: ${fields.uri}`,
    `Version: ${SIWS_VERSION}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${new Date(fields.issuedAt).toISOString()}`,
  );
  if (fields.expirationTime) lines.push(`Expiration Time: ${new Date(fields.expirationTime).toISOString()}`);
  return lines.join('\n');
}
