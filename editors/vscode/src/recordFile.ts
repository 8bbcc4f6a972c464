// Which documents are BCDC records: an approximation of the server's one rule (docs/protocol.md,
// "Documents"; check::is_record), used only to decide when to start the server and which menus to show;
// the server decides what it analyses (e.g. another portal's type under a bcdc.toml, which this misses
// unless the file is named *.bcdc.yaml). Keep the names in step with package.json's `languages`.

/** The language of YAML record files (package.json): its own language-scoped editor defaults, YAML's grammar. */
export const RECORD_YAML_LANGUAGE = 'bcdc-yaml';

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
  if (languageId === RECORD_YAML_LANGUAGE) return true; // as for the server (docs/protocol.md)
  if (languageId !== 'yaml' && languageId !== 'json') return false;
  if (isRecordFileName(fileName)) return true;
  return (languageId === 'yaml' ? YAML_TYPE : JSON_TYPE).test(text);
}

/**
 * A plain YAML document that says it is a record: it should get the record language. Not a `*.bcdc.yaml`
 * file in `yaml`: its name gives it the record language, so `yaml` there is the user's own choice.
 */
export function isYamlRecordByContent(fileName: string, languageId: string, text: string): boolean {
  return languageId === 'yaml' && !isRecordFileName(fileName) && YAML_TYPE.test(text);
}

/** Whether the record already carries a catalogue `id` (then it is updated, not published). */
export function hasRecordId(languageId: string, text: string): boolean {
  return (languageId === 'json' ? JSON_ID : YAML_ID).test(text);
}
