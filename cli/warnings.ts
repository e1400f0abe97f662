/**
 * The AWS SDK warns on every start when Node.js is older than the versions it will support next year.
 * That notice is about the SDK's future releases, not about anything the person running `bakery` asked
 * for, so it is noise in the CLI's output; every other warning still shows. Imported first, before any
 * SDK client is made.
 */
function hideRuntimeVersionWarnings(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : `${warning.name} ${warning.message}`;
    if (text.includes('NodeVersionSupportWarning') || JSON.stringify(rest).includes('NodeVersionSupportWarning')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}

hideRuntimeVersionWarnings();
