/**
 * What interrupts the interpreter's normal flow, thrown and caught as exceptions: errors (one that ends the
 * script, one that stops only its statement) and the signals of `exit`, `break`/`continue`, `return` and a
 * restart; and how PowerShell prints an error record or a parse error.
 */
import type { Located, PowerShellParseError } from './syntax';

/** An error record: the command that reports it, the message, and PowerShell's CategoryInfo and FullyQualifiedErrorId. */
export interface ErrorRecord {
  readonly command: string;
  readonly message: string;
  readonly category: string;
  readonly id: string;
}

/** An error that ends the script (`throw`, or any error while `Stop` applies), at the statement it happened in. */
export class TerminatingError { constructor(readonly record: ErrorRecord, readonly at: Located) {} }
/** An error that stops its statement (a runtime error, an unknown command); the script goes on unless `Stop` applies. */
export class StatementError { constructor(readonly record: ErrorRecord) {} }
/** `exit N`. */
export class ExitSignal { constructor(readonly code: number) {} }
/** `break` or `continue` in a loop. */
export class LoopSignal { constructor(readonly kind: 'break' | 'continue') {} }
/** `return`. */
export class ReturnSignal {}
/** Restart-Computer or `shutdown /r`: the instance reboots behind the agent's back. */
export class RestartSignal {}

/** A runtime error that stops its statement (a bad conversion, a method call on $null). */
export const runtimeError = (message: string, id: string, category = 'InvalidOperation: (:) [], RuntimeException'): StatementError =>
  new StatementError({ command: '', message, category, id });

/** The .NET class name of a cmdlet, for FullyQualifiedErrorIds (`New-Item` is `Microsoft.PowerShell.Commands.NewItemCommand`). */
export const commandClass = (command: string) => `Microsoft.PowerShell.Commands.${command.replace('-', '')}Command`;

/** An error record as PowerShell prints it on stderr, for the statement `at` in the script `scriptPath` (or `line`). */
export function errorRecordLines(record: ErrorRecord, at: Located, scriptPath = 'line'): string[] {
  return [
    record.command ? `${record.command} : ${record.message}` : record.message, `At ${scriptPath}:${at.line} char:${at.column}`,
    `+ ${at.text}`, `+ ${'~'.repeat(at.text.length)}`, `    + CategoryInfo          : ${record.category}`,
    `    + FullyQualifiedErrorId : ${record.id}`,
  ];
}

/** A parse error as PowerShell prints it on stderr. */
export function parseErrorLines(error: PowerShellParseError, scriptPath = 'line'): string[] {
  return [`At ${scriptPath}:${error.line} char:${error.column}`, `+ ${error.lineText}`, `+ ${' '.repeat(error.column - 1)}~`, error.message,
    '    + CategoryInfo          : ParserError: (:) [], ParseException'];
}
