// Text of the status-bar item: the catalogue in use and the state of the active record.

/** The server's `bcdc/status` notification (docs/protocol.md). */
export interface ServerStatus {
  uri: string;
  version?: number;
  catalogue?: string;
  errors: number;
  warnings: number;
  id?: string | null;
  /** the schema the record is checked against, in words */
  schema?: string;
}

export interface RecordState {
  errors: number;
  warnings: number;
  id?: string | null;
  schema?: string;
}

/** Said in the status bar's tooltip while the folder is not trusted (Restricted Mode). */
export const RESTRICTED_TIP =
  'Restricted Mode: records are checked, completed and explained; publish, update and pull wait until you trust this folder (Workspaces: Manage Workspace Trust).';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function statusText(
  catalogueLabel: string,
  state: RecordState | undefined,
  restricted = false,
): { text: string; tooltip: string } {
  const parts: string[] = [];
  const tips: string[] = [`Catalogue: ${catalogueLabel} (click to choose another)`];
  if (state?.schema) tips.push(`Checked against ${state.schema}`);
  if (state) {
    const problems = state.errors + state.warnings;
    if (state.id) {
      parts.push(`$(cloud) ${state.id.slice(0, 8)}`);
      tips.push(`Published, id ${state.id}`);
    }
    if (state.errors > 0) parts.push(`$(error) ${plural(problems, 'problem')}`);
    else if (state.warnings > 0) parts.push(`$(warning) ${plural(state.warnings, 'warning')}`);
    else parts.push('$(check) valid');
    tips.push(problems ? `${plural(state.errors, 'error')}, ${plural(state.warnings, 'warning')}` : 'No problems');
  }
  if (restricted) {
    parts.push('$(shield) restricted');
    tips.push(RESTRICTED_TIP);
  }
  return { text: [`BCDC ${catalogueLabel}`, ...parts].join(' · '), tooltip: tips.join('\n') };
}
