// Keeps the API key out of the output channel: with `bcdc.trace.server` on, the client logs every
// message's params, and initializationOptions / didChangeConfiguration carry `apiKey`.
import type * as vscode from 'vscode';

const API_KEY_VALUE = /("apiKey"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

export function redactSecrets(text: string): string {
  return text.replace(API_KEY_VALUE, '$1"<redacted>"');
}

const WRITERS = new Set(['append', 'appendLine', 'replace', 'trace', 'debug', 'info', 'warn', 'error']);

/** The same channel, with every string written to it passed through redactSecrets. */
export function redactingChannel(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && WRITERS.has(prop)) {
        return (message: unknown, ...rest: unknown[]) =>
          value.call(target, typeof message === 'string' ? redactSecrets(message) : message, ...rest);
      }
      return value.bind(target);
    },
  });
}
