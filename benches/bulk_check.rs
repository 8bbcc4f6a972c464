//! `bcdc-lsp check` over a folder of many typical records, run as a user
//! runs it: the release binary on a generated folder, `--format json`.
//!
//! For each folder size it prints the wall time of several runs (best,
//! median, spread), records per second, the time it takes just to read the
//! same files (one thread, warm cache) and the ratio of the two, and the
//! peak memory (RSS) of the check process from `wait4`, also for one
//! `--format jsonl` run. On a busy machine, the CPU time line is the figure
//! to compare: wall times depend on what else runs.
//!
//! `cargo bench --bench bulk_check` measures the binary cargo builds with the
//! bench profile (optimised); `BCDC_LSP_BIN=path` measures another.
//! `BCDC_BULK_SIZES=20000,100000` (the default) and `BCDC_BULK_RUNS=5` choose
//! the folder sizes and runs per size.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TYPICAL: &str = include_str!("../examples/water-quality.bcdc.yaml");

/// A folder of `n` typical records: the example with its own name and
/// title, and one record in twenty with an invalid choice (as in a real
/// tree, some output to write).
fn generate(dir: &Path, n: usize) {
    for i in 0..n {
        let mut text = TYPICAL
            .replacen(
                "name: okanagan-lake-water-quality",
                &format!("name: okanagan-lake-water-quality-{i}"),
                1,
            )
            .replacen("Quality Monitoring", &format!("Quality Monitoring {i}"), 1);
        if i % 20 == 0 {
            text = text.replacen("security_class: PUBLIC", "security_class: Public", 1);
        }
        std::fs::write(dir.join(format!("record-{i:06}.bcdc.yaml")), text).unwrap();
    }
}

/// What one `check` run took.
struct Run {
    wall: Duration,
    /// user + system CPU time of the process
    cpu: Duration,
    code: i32,
    max_rss_kib: u64,
    output_bytes: usize,
}

/// Runs `check` once; stdout is read as a consumer would.
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which std's `wait` cannot replace
fn run_check(bin: &str, dir: &Path, format: &str) -> Run {
    let t = Instant::now();
    let mut child = Command::new(bin)
        .args(["check", "--format", format])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = Vec::new();
    std::io::Read::read_to_end(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    let (code, usage) = wait4(child.id() as libc::pid_t);
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        wall: t.elapsed(),
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        code,
        max_rss_kib: usage.ru_maxrss as u64,
        output_bytes: out.len(),
    }
}

/// Reaps the child with `wait4` for its resource usage.
fn wait4(pid: libc::pid_t) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    (libc::WEXITSTATUS(status), usage)
}

/// The time to read every file of the folder, one after the other.
fn read_all(dir: &Path) -> Duration {
    let t = Instant::now();
    let mut bytes = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        bytes += std::fs::read(entry.unwrap().path()).unwrap().len();
    }
    assert!(bytes > 0);
    t.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn env_list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().parse().expect(name))
        .collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; nothing to list
    }
    let bin = std::env::var("BCDC_LSP_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_bcdc-lsp").to_string());
    let sizes = env_list("BCDC_BULK_SIZES", "20000,100000");
    let runs = env_list("BCDC_BULK_RUNS", "5")[0].max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("bulk check: {bin}, {cores} cores, {runs} runs per size");
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), n);
        // warm the page cache, and check that the run reports what it should
        let first = run_check(&bin, dir.path(), "json");
        assert_eq!(first.code, 1, "one record in twenty has an error");
        let mut runs: Vec<Run> = (0..runs)
            .map(|_| run_check(&bin, dir.path(), "json"))
            .collect();
        runs.sort_by_key(|r| r.wall);
        let (best, median, worst) = (&runs[0], &runs[runs.len() / 2], &runs[runs.len() - 1]);
        let cpu = runs.iter().map(|r| r.cpu).min().unwrap();
        let peak_kib = runs.iter().map(|r| r.max_rss_kib).max().unwrap();
        let reads = (0..runs.len()).map(|_| read_all(dir.path())).min().unwrap();
        let per_s = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "{n} records, check --format json: best {:.0} ms = {:.0} records/s (median {:.0} ms, worst {:.0} ms; output {:.1} MB)",
            ms(best.wall),
            per_s(best.wall),
            ms(median.wall),
            ms(worst.wall),
            first.output_bytes as f64 / 1e6,
        );
        println!(
            "{n} records, CPU time (user + sys, least of the runs): {:.0} ms = {:.0} records per CPU-second; on {cores} idle cores at most {:.0} records/s",
            ms(cpu),
            per_s(cpu),
            per_s(cpu) * cores as f64,
        );
        println!(
            "{n} records, just reading the files (one thread): best {:.0} ms; check / read = {:.1}",
            ms(reads),
            best.wall.as_secs_f64() / reads.as_secs_f64()
        );
        let jsonl = run_check(&bin, dir.path(), "jsonl");
        println!(
            "{n} records, peak RSS of check: {:.1} MB with --format json (sorted: holds the folder's listing), {:.1} MB with --format jsonl ({:.0} ms)",
            peak_kib as f64 / 1024.0,
            jsonl.max_rss_kib as f64 / 1024.0,
            ms(jsonl.wall)
        );
    }
}
