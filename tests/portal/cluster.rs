//! Throwaway PostgreSQL clusters from the machine's binaries, for tests.
//!
//! A cluster lives in a temporary folder, listens on a free loopback port, runs as
//! an unprivileged user (PostgreSQL refuses root), and is stopped and deleted by a
//! small guardian process as soon as the test binary exits, however it exits.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One running PostgreSQL server.
pub struct Cluster {
    pub port: u16,
    root: tempfile::TempDir,
    bin: PathBuf,
}

/// The cluster every test of this binary shares, one database per test.
pub fn shared() -> &'static Cluster {
    static SHARED: OnceLock<Cluster> = OnceLock::new();
    SHARED.get_or_init(Cluster::start)
}

fn postgres_bin() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server binaries: scripts/test installs the postgresql package")
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("an initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command that runs as the `postgres` user when we are root, as ourselves otherwise.
fn unprivileged(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(command: Command, what: &str) {
    if let Err(why) = try_run(command, what) {
        panic!("{why}");
    }
}

fn try_run(mut command: Command, what: &str) -> Result<(), String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Cluster {
    /// Creates and starts a new cluster.
    pub fn start() -> Self {
        let cluster = Self::prepare();
        let mut initdb = unprivileged(&cluster.bin.join("initdb"));
        initdb.arg("-D").arg(cluster.data()).args([
            "-U",
            "newsline",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(initdb, "initdb");
        let cluster = cluster.start_on_a_free_port();
        cluster.guard();
        cluster
    }

    /// A streaming replica of `primary`, read-only, on its own port.
    pub fn replica_of(primary: &Cluster) -> Self {
        let cluster = Self::prepare();
        let mut backup = unprivileged(&cluster.bin.join("pg_basebackup"));
        backup.arg("-D").arg(cluster.data()).args([
            "-h",
            "127.0.0.1",
            "-p",
            &primary.port.to_string(),
            "-U",
            "newsline",
            "-R",
            "-X",
            "stream",
            // Without it the backup waits for a spread checkpoint, minutes on an idle server.
            "--checkpoint=fast",
            "--no-sync",
        ]);
        run(backup, "pg_basebackup");
        let cluster = cluster.start_on_a_free_port();
        cluster.guard();
        cluster
    }

    fn prepare() -> Self {
        let root = tempfile::Builder::new()
            .prefix("newsline-pg-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.arg("postgres:postgres").arg(root.path());
                    c
                },
                "chown",
            );
        }
        Self {
            port: free_port(),
            root,
            bin: postgres_bin(),
        }
    }

    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// Starts the server, on another free port if the chosen one was taken meanwhile
    /// (a free port is only known to be free until someone else binds it).
    fn start_on_a_free_port(mut self) -> Self {
        for _ in 0..4 {
            if self.try_start().is_ok() {
                return self;
            }
            self.port = free_port();
        }
        self.start_again();
        self
    }

    /// Starts the server (again, after [`Cluster::stop`]).
    pub fn start_again(&self) {
        // A port just released by the stopped server can linger briefly; retry a little.
        for _ in 0..10 {
            if self.try_start().is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        if let Err(why) = self.try_start() {
            panic!("{why}");
        }
    }

    fn try_start(&self) -> Result<(), String> {
        let options = format!(
            // fsync=off only risks data if the machine itself fails; commits stay
            // synchronous, so stopping the server "immediately" loses nothing acknowledged.
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
             -c max_connections=300",
            self.port,
            self.root.path().display()
        );
        let mut ctl = unprivileged(&self.bin.join("pg_ctl"));
        ctl.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.root.path().join("server.log"))
            .args(["-w", "-o", &options, "start"]);
        try_run(ctl, "pg_ctl start")
    }

    /// Stops the server at once, as a crash or an outage would.
    pub fn stop(&self) {
        let mut ctl = unprivileged(&self.bin.join("pg_ctl"));
        ctl.arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"]);
        run(ctl, "pg_ctl stop");
    }

    /// Stops the server and deletes the folder once this process has gone (for the
    /// shared cluster, which is never dropped, and for a test that panics mid-way).
    fn guard(&self) {
        let stop = if is_root() {
            "runuser -u postgres -- "
        } else {
            ""
        };
        // The outer shell backgrounds the guardian and exits at once, so the guardian
        // is nobody's child to wait for and outlives this process.
        let script = format!(
            "(while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             {stop}\"$0\" -D \"$1\" -m immediate stop; rm -rf \"$2\") >/dev/null 2>&1 &",
            pid = std::process::id()
        );
        let started = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(self.bin.join("pg_ctl"))
            .arg(self.data())
            .arg(self.root.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the guardian starts");
        assert!(started.success());
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://newsline@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates an empty database and returns its URL.
    pub fn create_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let mut psql = Command::new(self.bin.join("psql"));
        psql.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "newsline",
            "-d",
            "postgres",
        ])
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            &format!("CREATE DATABASE {name}"),
        ]);
        run(psql, "CREATE DATABASE");
        self.url(&name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Before the folder goes: a server whose data directory vanished keeps running.
        let mut ctl = unprivileged(&self.bin.join("pg_ctl"));
        ctl.arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let _ = ctl.status();
    }
}
