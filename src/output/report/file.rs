//! Writing the report whole or not at all: a temporary file is opened
//! beside `--out` before any AWS request (a directory that is missing or not
//! writable is a bad `--out`, exit 2, nothing asked of AWS), filled at the
//! end and renamed over `--out` in one step. A failure in between removes
//! the temporary file and leaves any earlier report in place.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::domain::InputError;
use crate::error::Error;

/// Where the report goes, opened and checked.
pub struct Destination {
    path: PathBuf,
    temp: NamedTempFile,
}

impl Destination {
    /// Opens a temporary file in `path`'s directory, or says why `--out`
    /// cannot be written.
    pub fn prepare(path: &Path) -> Result<Self, Error> {
        let shown = path.display().to_string();
        let bad = |rule: String| Error::from(InputError::new("--out", &shown, &rule));
        if path.is_dir() {
            return Err(bad(
                "is a directory; name the file to write, e.g. `report.html`".into()
            ));
        }
        let Some(name) = path.file_name() else {
            return Err(bad("names no file".into()));
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(bad(format!(
                "cannot be written: the directory `{}` does not exist",
                dir.display()
            )));
        }
        let prefix = format!(".{}.", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // As a file written the ordinary way: readable by others (less the umask),
            // since a report is made to be shared. tempfile's default is 0600.
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let temp = builder
            .tempfile_in(&dir)
            .map_err(|e| bad(format!("cannot be written: {e}")))?;
        Ok(Self {
            path: path.to_owned(),
            temp,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` and renames the file to the report's path; returns
    /// the number of bytes written.
    pub fn commit(mut self, bytes: &[u8]) -> Result<u64, Error> {
        let shown = self.path.display().to_string();
        let failed = |e: std::io::Error| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("could not write the report to `{shown}`: {e}"),
            ))
        };
        self.temp.write_all(bytes).map_err(failed)?;
        self.temp.as_file().sync_all().map_err(failed)?;
        self.temp.persist(&self.path).map_err(|e| failed(e.error))?;
        Ok(bytes.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_report_replaces_the_file_whole_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.html");
        std::fs::write(&path, "old").unwrap();
        let d = Destination::prepare(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "old",
            "untouched until the end"
        );
        assert_eq!(d.commit(b"new").unwrap(), 3);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(entries(dir.path()), ["r.html"]);
    }

    #[test]
    fn an_abandoned_report_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        drop(Destination::prepare(&dir.path().join("r.html")).unwrap());
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn a_missing_directory_or_a_directory_is_a_bad_out() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such/r.html");
        let err = Destination::prepare(&missing).err().unwrap();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("does not exist"), "{err}");
        let err = Destination::prepare(dir.path()).err().unwrap();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }
}
