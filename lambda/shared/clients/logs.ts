/** The handlers' client of CloudWatch Logs, for live step output. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CLIENT_CONFIG, remember } from './registry';

/** The CloudWatchLogsClient of the bakery's own region. */
export function logs(): CloudWatchLogsClient {
  return remember('logs', () => new CloudWatchLogsClient(CLIENT_CONFIG));
}
