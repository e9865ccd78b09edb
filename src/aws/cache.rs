//! An on-disk cache of paid API answers, keyed by the exact request.
//!
//! Each entry is one logical request (all of its pages) in its own JSON file,
//! `<dir>/<Operation>-<sha256>.json`, where the hash covers the caller's
//! identity (AWS profile, endpoint, access key ID), the operation and the
//! request. An entry older than the TTL is ignored and overwritten. Entries
//! are written to a temporary file and renamed, so a reader never sees half
//! of one. A cache that cannot be read or written is a miss, never an error:
//! the answer is then simply paid for.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const FORMAT: u32 = 1;

/// The platform's cache directory for aipctl (the `dirs` crate):
/// `$XDG_CACHE_HOME/aipctl` or `~/.cache/aipctl` on Linux,
/// `~/Library/Caches/aipctl` on macOS, `%LOCALAPPDATA%\aipctl` on Windows.
/// `None` when no home can be found.
pub fn default_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("aipctl"))
}

/// How a command wants the cache used.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// Where entries live; `None` turns the cache off.
    pub dir: Option<PathBuf>,
    pub ttl: Duration,
    /// `false` (`--no-cache`): ask AWS even when an entry exists; the fresh
    /// answer still replaces it.
    pub reuse: bool,
    /// The time now, in Unix seconds (read by the command).
    pub now: i64,
}

/// A cache hit: the value, how many paid requests it saved and its age.
#[derive(Debug)]
pub struct Hit<T> {
    pub value: T,
    pub requests: usize,
    pub age_seconds: i64,
}

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    format: u32,
    stored_at: i64,
    requests: usize,
    value: T,
}

#[derive(Debug, Clone)]
pub struct Cache {
    settings: CacheSettings,
}

impl Cache {
    pub fn new(settings: CacheSettings) -> Self {
        Self { settings }
    }

    /// The file for `operation` and a key (identity and request, already serialised).
    fn path(&self, operation: &str, key: &str) -> Option<PathBuf> {
        let dir = self.settings.dir.as_ref()?;
        let digest = hex::encode(Sha256::digest(key.as_bytes()));
        Some(dir.join(format!("{operation}-{digest}.json")))
    }

    pub fn get<T: DeserializeOwned>(&self, operation: &str, key: &str) -> Option<Hit<T>> {
        if !self.settings.reuse {
            return None;
        }
        let bytes = fs::read(self.path(operation, key)?).ok()?;
        let entry: Entry<T> = serde_json::from_slice(&bytes).ok()?;
        let age = self.settings.now - entry.stored_at;
        let ttl = i64::try_from(self.settings.ttl.as_secs()).unwrap_or(i64::MAX);
        // An entry from the future (a clock set back) is not trusted either.
        (entry.format == FORMAT && (-60..ttl).contains(&age)).then_some(Hit {
            value: entry.value,
            requests: entry.requests,
            age_seconds: age.max(0),
        })
    }

    /// Stores an answer; failures are returned for `-v`, never fatal.
    pub fn put<T: Serialize>(
        &self,
        operation: &str,
        key: &str,
        value: &T,
        requests: usize,
    ) -> Result<(), String> {
        let Some(path) = self.path(operation, key) else {
            return Ok(());
        };
        let entry = Entry {
            format: FORMAT,
            stored_at: self.settings.now,
            requests,
            value,
        };
        let bytes = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        write_atomically(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Drops every entry of `operation` (after a change that makes them stale).
    pub fn forget(&self, operation: &str) {
        let Some(dir) = &self.settings.dir else { return };
        let Ok(entries) = fs::read_dir(dir) else { return };
        let prefix = format!("{operation}-");
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Creates the cache directory readable by its owner only (0700 on Unix):
/// answers hold the account's spend.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        // A directory made earlier (or by an older aipctl) is tightened too.
        let perms = fs::metadata(dir)?.permissions();
        if perms.mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// A new file readable and writable by its owner only (0600 on Unix).
fn create_private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let mut f = create_private_file(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn entries_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("aipctl/cost-explorer");
        let cache = Cache::new(CacheSettings {
            dir: Some(dir.clone()),
            ttl: Duration::from_secs(60),
            reuse: true,
            now: 1_000,
        });
        cache.put("GetCostAndUsage", "k", &1, 1).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        let file = fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
        assert_eq!(mode(&file), 0o600);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        cache.put("GetCostAndUsage", "k2", &2, 1).unwrap();
        assert_eq!(mode(&dir), 0o700, "an older, open directory is tightened");
    }

    fn cache(dir: &Path, now: i64, reuse: bool) -> Cache {
        Cache::new(CacheSettings {
            dir: Some(dir.to_owned()),
            ttl: Duration::from_secs(3600),
            reuse,
            now,
        })
    }

    #[test]
    fn entries_are_found_by_exact_key_until_the_ttl_ends() {
        let dir = tempfile::tempdir().unwrap();
        cache(dir.path(), 1000, true)
            .put("Op", "k1", &vec![1, 2], 3)
            .unwrap();
        let hit: Hit<Vec<i32>> = cache(dir.path(), 1100, true).get("Op", "k1").unwrap();
        assert_eq!((hit.value, hit.requests, hit.age_seconds), (vec![1, 2], 3, 100));
        assert!(
            cache(dir.path(), 1100, true)
                .get::<Vec<i32>>("Op", "k2")
                .is_none()
        );
        assert!(
            cache(dir.path(), 1100, true)
                .get::<Vec<i32>>("Other", "k1")
                .is_none()
        );
        assert!(
            cache(dir.path(), 1000 + 3600, true)
                .get::<Vec<i32>>("Op", "k1")
                .is_none()
        );
        assert!(
            cache(dir.path(), 1100, false)
                .get::<Vec<i32>>("Op", "k1")
                .is_none()
        );
        // A value of another shape is a miss, not an error.
        assert!(cache(dir.path(), 1100, true).get::<String>("Op", "k1").is_none());
    }

    #[test]
    fn forget_drops_one_operation() {
        let dir = tempfile::tempdir().unwrap();
        let c = cache(dir.path(), 1000, true);
        c.put("A", "k", &1, 1).unwrap();
        c.put("B", "k", &2, 1).unwrap();
        c.forget("A");
        assert!(c.get::<i32>("A", "k").is_none());
        assert_eq!(c.get::<i32>("B", "k").unwrap().value, 2);
    }
}
