/** A TypeScript program over files that exist only in memory, beside the checkout's real ones, for compile tests. */
import * as ts from 'typescript';

/** The compiler options of a tsconfig.json, for a program that emits nothing. */
export function compilerOptionsOf(tsconfig: string, more: ts.CompilerOptions = {}): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  return { ...config.options, noEmit: true, ...more };
}

/** A program of the in-memory `sources` (text by absolute path); their imports resolve on disk as usual. */
export function inMemoryProgram(sources: ReadonlyMap<string, string>, options: ts.CompilerOptions): ts.Program {
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (file, language, ...rest) => {
    const text = sources.get(file);
    return text !== undefined ? ts.createSourceFile(file, text, language) : getSourceFile.call(host, file, language, ...rest);
  };
  host.fileExists = (file) => sources.has(file) || fileExists.call(host, file);
  host.readFile = (file) => sources.get(file) ?? readFile.call(host, file);
  return ts.createProgram([...sources.keys()], options, host);
}
