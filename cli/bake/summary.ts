/** The lines that say how a bake ended: status, time, images or the failure, and anything left behind. */
import { formatDuration } from './format';
import type { Outcome } from './outcome';
import type { Colors } from '../terminal';

export function summaryLines(outcome: Outcome, seconds: number, colors: Colors): string[] {
  const { manifest } = outcome;
  const took = formatDuration(seconds);
  const images = manifest.artifacts.map((artifact) => `${artifact.amiId} (${artifact.name}, ${artifact.region})`).join(', ');
  const lines: string[] = [];
  if (manifest.status === 'SKIPPED') {
    const reason = (manifest as { skippedBecause?: string }).skippedBecause;
    const because = reason ? `: ${reason}` : '';
    lines.push(`${colors.green('SKIPPED')} in ${took}, no rebuild needed${because}`, `  current image: ${images || '-'}`);
  } else if (outcome.succeeded) {
    lines.push(`${colors.green('SUCCEEDED')} in ${took}: ${images}`);
  } else {
    const error = manifest.error;
    const where = error ? ` in phase ${error.phase}${error.step === null ? '' : ` (step ${error.step})`}` : '';
    const name = outcome.error && !outcome.error.startsWith('States.') ? `: ${outcome.error}` : '';
    lines.push(`${colors.red(outcome.status)} after ${took}${where}${name}`);
    const message = error?.message ?? outcome.cause ?? '';
    lines.push(...message.split('\n').filter((line) => line.length > 0).map((line) => `  ${line}`));
    if (error?.phase === 'provision' && error.step !== null) {
      lines.push(colors.dim(`The whole output of step ${error.step}: bakery logs ${manifest.buildId} --step ${error.step}`));
    }
  }
  for (const instanceId of manifest.keptForInspection ?? []) {
    lines.push(`Build instance ${instanceId} kept for inspection: aws ssm start-session --target ${instanceId}`);
  }
  if (manifest.leakedResources.length > 0) lines.push(colors.yellow(`LEAKED: ${manifest.leakedResources.join(', ')}`));
  return lines;
}
