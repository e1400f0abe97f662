/** The handlers' client of Step Functions, for the orphan sweeper's look at the bakery's executions. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, remember } from './registry';

/** The SFNClient of the bakery's own region. */
export function sfn(): SFNClient {
  return remember('sfn', () => new SFNClient(CLIENT_CONFIG));
}
