import { readFile } from 'node:fs/promises';
import type { AuthClient } from 'google-auth-library';
import { InputError } from '../../errors.js';
import { firstLine } from '../../first-line.js';

export interface CredentialOptions {
  /** `--access-token-file`: a file holding an OAuth 2.0 access token. */
  accessTokenFile?: string;
}

const LOGIN = 'run `gcloud auth application-default login`';

/**
 * Google credentials: a fixed access token (`--access-token-file`, or
 * GOOGLE_OAUTH_ACCESS_TOKEN as the Terraform provider reads it), else
 * Application Default Credentials. Missing or expired credentials are an
 * InputError: one line telling the user how to log in.
 */
export async function googleCredentials(options: CredentialOptions, env: NodeJS.ProcessEnv = process.env): Promise<AuthClient> {
  const { GoogleAuth, OAuth2Client } = await import('google-auth-library');
  const token = await fixedToken(options, env);
  if (token) {
    const client = new OAuth2Client();
    client.setCredentials({ access_token: token });
    return client;
  }
  let client: AuthClient;
  try {
    client = await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient();
    // Fetch a token now, so expired credentials stop the run here with one clear line.
    await client.getAccessToken();
  } catch (error) {
    throw new InputError(`no usable Google credentials (${firstLine((error as Error).message)}): ${LOGIN}, or pass --access-token-file`);
  }
  return client;
}

async function fixedToken(options: CredentialOptions, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (options.accessTokenFile) {
    let text: string;
    try {
      text = await readFile(options.accessTokenFile, 'utf8');
    } catch (error) {
      throw new InputError(`--access-token-file ${options.accessTokenFile}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (text.trim() === '') throw new InputError(`--access-token-file ${options.accessTokenFile}: the file is empty`);
    return text.trim();
  }
  const fromEnv = env.GOOGLE_OAUTH_ACCESS_TOKEN?.trim();
  return fromEnv ? fromEnv : undefined;
}

/** The one line for a 401 from a Google API: the token was refused. */
export function rejectedCredentials(options: CredentialOptions, env: NodeJS.ProcessEnv = process.env): InputError {
  const which = options.accessTokenFile
    ? `the access token in ${options.accessTokenFile}`
    : env.GOOGLE_OAUTH_ACCESS_TOKEN
      ? 'the access token in GOOGLE_OAUTH_ACCESS_TOKEN'
      : 'the Application Default Credentials';
  return new InputError(`Google APIs rejected ${which} (401: expired or revoked): ${LOGIN}, or pass a fresh token`);
}
