//! End-to-end tests through the public surfaces: the CLI binary and the
//! library's `Engine`. One test binary, one module per topic.

mod actions;
mod citations;
mod cli;
mod counts;
mod e2e;
mod fixture;
mod formats;
mod golden;
mod http;
mod library;
mod readme;
