/** Recipe documents the workflow tests bake. */
export const UBUNTU_NOBLE_PARAMETER = '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';

export function recipe(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'web',
    source: { ssmParameter: UBUNTU_NOBLE_PARAMETER },
    steps: [
      { shell: { name: 'install', commands: ['apt-get update -y', 'apt-get install -y nginx'] } },
      { reboot: {} },
      { shell: { name: 'check', commands: ['echo ready', 'curl -fsS http://localhost/'] } },
    ],
    ami: { name: 'web-{{timestamp}}', tags: { team: 'platform' } },
    ...overrides,
  };
}
