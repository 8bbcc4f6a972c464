use clap::Parser;
use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};
use std::ffi::c_void;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// C's `calloc` on mimalloc (its own is in the crate's `extended` API).
unsafe extern "C" fn mi_calloc(count: usize, size: usize) -> *mut c_void {
    match count.checked_mul(size) {
        Some(bytes) => mi_zalloc(bytes),
        None => std::ptr::null_mut(),
    }
}

fn main() -> ExitCode {
    // tree-sitter allocates a node at a time; with glibc's malloc that is a
    // fifth of a parse. SAFETY: no tree-sitter object exists yet, and these
    // functions keep C's malloc contract.
    unsafe {
        tree_sitter::set_allocator(
            Some(mi_malloc),
            Some(mi_calloc),
            Some(mi_realloc),
            Some(mi_free),
        )
    };
    let cli = bcdc_lsp::cli::Cli::parse();
    bcdc_lsp::cli::run(cli)
}
