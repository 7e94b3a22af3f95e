/** The update store's tables. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS releases (
  id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, version TEXT NOT NULL,
  size INTEGER NOT NULL, sha256 TEXT NOT NULL, sha1 TEXT NOT NULL, signature TEXT NOT NULL,
  file TEXT NOT NULL, published_at INTEGER NOT NULL, base INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS releases_file ON releases(file);
CREATE TABLE IF NOT EXISTS channels (
  name TEXT PRIMARY KEY, release_id INTEGER NOT NULL REFERENCES releases(id),
  paused_release INTEGER, paused_reason TEXT, paused_at INTEGER);
CREATE TABLE IF NOT EXISTS instances (
  machine_id TEXT PRIMARY KEY, alias TEXT NOT NULL, channel TEXT NOT NULL, version TEXT NOT NULL,
  status TEXT NOT NULL, new_version TEXT NOT NULL, last_error TEXT NOT NULL,
  last_check_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, machine_id TEXT NOT NULL, at INTEGER NOT NULL,
  type INTEGER NOT NULL, result INTEGER NOT NULL, error_code INTEGER, previous_version TEXT,
  version TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_machine ON events(machine_id, id);
`;
