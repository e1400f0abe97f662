/** The handlers' client of STS, to assume roles in other accounts. */
import { STSClient } from '@aws-sdk/client-sts';
import { CLIENT_CONFIG, remember } from './registry';

/** The STSClient of the bakery's own region. */
export function sts(): STSClient {
  return remember('sts', () => new STSClient(CLIENT_CONFIG));
}
