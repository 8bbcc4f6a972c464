-- The server version this plugin is made for: :BcdcInstall installs exactly this release. It is
-- Cargo.toml's version (tests/version.rs, scripts/dist.sh and the release workflow check that).
return '0.1.0'
