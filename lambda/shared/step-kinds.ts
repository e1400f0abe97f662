/**
 * The kinds of provisioning step a recipe document knows, apart from their schema, so handlers that only
 * run steps do not load the validator.
 */

/** The step kinds, in the order messages list them. */
export const STEP_KINDS = ['shell', 'reboot', 'document', 'script', 'file', 'ansible', 'powershell'] as const;
export type StepKind = typeof STEP_KINDS[number];
