/** The `document` step's fields, as the schema declares them. */
import type { ProvisioningStep } from '../step-schema';

export type DocumentStep = NonNullable<ProvisioningStep['document']>;
