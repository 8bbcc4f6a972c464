// Which documents are BCDC records (mirrors the server's rule in docs/protocol.md, used only to decide
// when to start the server and which menus to show; the server decides what it analyses).

const RECORD_NAME = /\.bcdc\.(ya?ml|json)$/i;
// a top-level (unindented) `type: bcdc_dataset`, optionally quoted, optionally followed by a comment
const YAML_TYPE = /^type:[ \t]*(["']?)bcdc_dataset\1[ \t]*(#.*)?$/m;
const JSON_TYPE = /"type"\s*:\s*"bcdc_dataset"/;
const YAML_ID = /^id:[ \t]*["']?[^\s"'#]/m;
const JSON_ID = /"id"\s*:\s*"[^"]+"/;

export function isRecordFileName(fileName: string): boolean {
  return RECORD_NAME.test(fileName);
}

export function isRecord(fileName: string, languageId: string, text: string): boolean {
  if (languageId !== 'yaml' && languageId !== 'json') return false;
  if (isRecordFileName(fileName)) return true;
  return (languageId === 'yaml' ? YAML_TYPE : JSON_TYPE).test(text);
}

/** Whether the record already carries a catalogue `id` (then it is updated, not published). */
export function hasRecordId(languageId: string, text: string): boolean {
  return (languageId === 'json' ? JSON_ID : YAML_ID).test(text);
}
