//! Word (`.docx`), PowerPoint (`.pptx`), Excel (`.xlsx`) and OpenDocument (`.odt`,
//! `.odp`, `.ods`) files: zip packages of XML, read by one streaming walk per part and
//! laid out by one module for all of them.
//!
//! Why our own reader on `zip` + `quick-xml` rather than a DOCX crate: the text must
//! come out in the ingest conventions (a table row on one line, cells by tabs,
//! bullets as `- `, list numbers as Word shows them), the other formats need the same
//! layout (a slide's items, a sheet's rows), and every byte decompressed and every
//! character given back must be charged to a budget, so that a zip bomb is refused in
//! milliseconds instead of filling memory.

mod diagrams;
pub mod docx;
mod docx_styles;
mod layout;
pub mod odf;
mod opc;
pub mod pptx;
pub mod xlsx;
mod xml;
mod zipread;

#[cfg(test)]
mod slides_and_sheets_tests;
#[cfg(test)]
mod tests;

use super::format as types;
