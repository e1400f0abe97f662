/** An SSM document the account created (CreateDocument), as the simulator keeps it. */

/** A parameter as a document's content declares it. */
export interface DeclaredParameter {
  readonly type: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
  readonly minItems?: number;
}

/** One step of a schema 2.2 document: a plugin run with inputs, on the platforms its precondition allows. */
export interface DocumentStepContent {
  readonly action: string;
  readonly name: string;
  readonly precondition?: { readonly StringEquals?: readonly [string, string] };
  readonly inputs?: Record<string, unknown>;
}

export interface DocumentContent {
  readonly schemaVersion: string;
  readonly description?: string;
  readonly parameters?: Record<string, DeclaredParameter>;
  readonly mainSteps?: readonly DocumentStepContent[];
}

export interface DocumentRecord {
  readonly name: string;
  readonly documentType: string;
  readonly content: DocumentContent;
  readonly createdAt: number;
  readonly ownerId: string;
}
