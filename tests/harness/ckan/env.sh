# Source after start.sh: exports the contract the Rust integration tests and the editor
# end-to-end scripts read (they skip, saying why, when these are unset):
#   BCDC_TEST_CKAN_URL    http://127.0.0.1:$CKAN_PORT
#   BCDC_TEST_CKAN_TOKEN  the sysadmin API token setup.sh wrote to $CKAN_HOME/state/api_token
#   BCDC_TEST_CKAN_ORG    the organization setup.sh created (lsp-test-org)
# Standalone on purpose (no lib.sh): sourcing must not pull helpers that `exit` into the caller.
# Returns 1, exporting nothing, if setup.sh has not run; it does not check that CKAN is up.
_bcdc_state="${CKAN_HOME:-/tmp/ckan-lsp}/state"
if [ -r "$_bcdc_state/api_token" ] && [ -r "$_bcdc_state/organization" ]; then
  export BCDC_TEST_CKAN_URL="http://127.0.0.1:${CKAN_PORT:-5000}"
  BCDC_TEST_CKAN_TOKEN="$(head -1 "$_bcdc_state/api_token")"
  BCDC_TEST_CKAN_ORG="$(head -1 "$_bcdc_state/organization")"
  export BCDC_TEST_CKAN_TOKEN BCDC_TEST_CKAN_ORG
  unset _bcdc_state
else
  echo "env.sh: no $_bcdc_state/api_token or organization: run tests/harness/ckan/setup.sh first" >&2
  unset _bcdc_state
  return 1 2>/dev/null || exit 1
fi
