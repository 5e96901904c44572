//! `keyctl scopes`.

use insta::assert_snapshot;

use crate::support::Sandbox;

#[test]
fn scopes_in_each_format() {
    let mut s = Sandbox::new();
    assert_snapshot!(s.transcript(&[
        &["scopes"],
        &["scopes", "--format", "json"],
        &["scopes", "--format", "csv"],
    ]));
}
