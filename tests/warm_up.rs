//! A server's warm-up, in a process of its own: the official geographic code is parsed once
//! per process, and the other tests' index builds parse it, so only here can a test see
//! that the warm-up, not the first territory filter, parses it.

use std::path::Path;
use std::process::Command;

#[test]
fn the_warm_up_parses_the_geographic_code_before_a_territory_filter_needs_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    // Built by another process, so that this one has not read the code.
    let built = Command::new(env!("CARGO_BIN_EXE_maillage"))
        .arg("index")
        .arg("--corpus")
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path())
        .output()
        .expect("maillage runs");
    assert!(built.status.success(), "{built:?}");

    let engine = maillage::query::Engine::open(dir.path()).expect("index opens");
    assert!(
        !maillage::extract::territory::Cog::is_parsed(),
        "opening an index does not read the code"
    );
    engine.warm_up();
    assert!(maillage::extract::territory::Cog::is_parsed());
    assert!(engine.is_warm());
}
